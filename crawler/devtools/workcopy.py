"""The fixture site's shared state: the served working copy, the request log and the faults in force.

The request handler threads of ``crawler.devtools.site`` share one ``SiteState``; every change goes
through its lock.
"""

from __future__ import annotations

import fnmatch
import json
import shutil
import threading
from datetime import date
from pathlib import Path

TEMPLATED = {".xml", ".html", ".htm", ".txt", ".rss", ".atom", ".json"}


class SiteState:
    """The served copy of the site, the request log and the faults; shared by the handler threads."""

    def __init__(self, site: Path, workdir: Path, copy: bool) -> None:
        self.site = site
        self.copy = copy
        self.root = workdir / "site" if copy else site
        self.lock = threading.Lock()
        self.log: list[dict] = []
        self.faults: list[dict] = []
        self.base = ""
        self.alt = ""
        self.reset()

    def reset(self) -> None:
        with self.lock:
            if self.copy:
                shutil.rmtree(self.root, ignore_errors=True)
                shutil.copytree(self.site, self.root)
            self.log.clear()
            self.faults.clear()
            self.faults.extend(self.site_faults())

    def site_faults(self) -> list[dict]:
        """The faults the site declares in ``_faults.json``, in force after every reset (a redirect's
        ``to`` is templated when it is answered: the server's URL is not known yet at the first reset)."""
        table = self.root / "_faults.json"
        return [dict(f) for f in json.loads(table.read_text(encoding="utf-8"))] if table.is_file() else []

    def publish(self, name: str) -> list[str]:
        drafts = self.root / "_drafts" / name
        if not drafts.is_dir():
            raise FileNotFoundError(f"no draft named {name!r} in {self.root / '_drafts'}")
        published = []
        with self.lock:
            for file in sorted(p for p in drafts.rglob("*") if p.is_file()):
                target = self.root / file.relative_to(drafts)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(file, target)  # a new mtime, so Last-Modified moves on too
                published.append("/" + str(file.relative_to(drafts)))
        return published

    def fault_for(self, path: str) -> dict | None:
        """The newest fault whose glob matches ``path`` and that has uses left (``times``)."""
        with self.lock:
            for fault in reversed(self.faults):
                if not fnmatch.fnmatchcase(path, fault["path"]):
                    continue
                if "times" in fault:
                    if int(fault["times"]) <= 0:
                        continue
                    fault["times"] = int(fault["times"]) - 1
                return fault
        return None

    def redirect_for(self, path: str) -> str | None:
        """The target of ``path`` in the site's ``_redirects.json`` (templated), if any."""
        table = self.root / "_redirects.json"
        if not table.is_file():
            return None
        target = json.loads(self.render(table)).get(path)
        return str(target) if target else None

    def render(self, file: Path) -> bytes:
        data = file.read_bytes()
        if file.suffix.lower() in TEMPLATED:
            data = (
                data.replace(b"{base}", self.base.encode())
                .replace(b"{alt}", self.alt.encode())
                .replace(b"{today}", date.today().isoformat().encode())
            )
        return data

    def templated(self, text: str) -> str:
        """``text`` with ``{base}``, ``{alt}`` and ``{today}`` filled in."""
        return (
            text.replace("{base}", self.base)
            .replace("{alt}", self.alt)
            .replace("{today}", date.today().isoformat())
        )
