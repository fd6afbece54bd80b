"""Reading a page for the ``extract`` and ``fixtures`` commands: a saved file or one plain GET.

Every failure is an InputError whose message is the one line the user sees, naming the input and
what went wrong. Also the consoles both commands print through.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

DEFAULT_TIMEOUT = 20.0
MAX_DOWNLOAD = 20_000_000  # bytes: larger than any page worth extracting
FALLBACK_AGENT = "hotline/0.1 (news monitoring)"


class InputError(Exception):
    """An input that could not be read or fetched; the message is the one line the user sees."""


@dataclass(frozen=True, slots=True)
class Page:
    """A page as read from a file or fetched from a URL."""

    data: bytes
    url: str
    charset: str | None = None


def is_url(target: str) -> bool:
    return urlsplit(target).scheme in ("http", "https")


def fetch_page(url: str, *, timeout: float = DEFAULT_TIMEOUT, user_agent: str = FALLBACK_AGENT) -> Page:
    """GET ``url``; raise InputError with one clear line when that fails."""
    request = urllib.request.Request(url, headers={"User-Agent": user_agent, "Accept": "text/html,*/*"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            data = response.read(MAX_DOWNLOAD + 1)
            charset = response.headers.get_content_charset()
            final_url = response.geturl() or url
    except urllib.error.HTTPError as exc:
        raise InputError(f"{url}: HTTP {exc.code} {exc.reason} (check the address)") from None
    except urllib.error.URLError as exc:
        raise InputError(f"{url}: cannot fetch: {exc.reason} (check the address and the network)") from None
    except TimeoutError:
        raise InputError(f"{url}: no answer within {timeout:g}s (try --timeout)") from None
    except (OSError, ValueError) as exc:
        raise InputError(f"{url}: cannot fetch: {exc}") from None
    if len(data) > MAX_DOWNLOAD:
        raise InputError(f"{url}: larger than {MAX_DOWNLOAD // 1_000_000} MB, not a news page")
    return Page(data, final_url, charset)


def read_page(target: str, *, url: str | None, charset: str | None, timeout: float, user_agent: str) -> Page:
    """A file's bytes (its URL from ``--url``, else its file: URI) or a fetched URL."""
    if is_url(target):
        page = fetch_page(target, timeout=timeout, user_agent=user_agent)
        return Page(page.data, page.url, charset or page.charset)
    path = Path(target)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{target}: no such file (give a saved page or an http(s) URL)") from None
    except IsADirectoryError:
        raise InputError(f"{target}: is a directory, give a saved page") from None
    except OSError as exc:
        raise InputError(f"{target}: cannot read: {exc.strerror}") from None
    return Page(data, url or declared_url(data, charset) or path.resolve().as_uri(), charset)


def declared_url(data: bytes, charset: str | None = None) -> str | None:
    """A saved page's own address: its ``<link rel=canonical>``, else ``og:url``, when absolute http(s).

    Why: without ``--url`` a saved file was recorded as ``file:///…``, which no reader can follow.
    """
    import lxml.etree
    import lxml.html

    from crawler.core.extract.decode import decode_html

    try:
        tree = lxml.html.document_fromstring(decode_html(data, charset)[0])
    except (lxml.etree.ParserError, ValueError):
        return None
    links = [
        link.get("href", "")
        for link in tree.iter("link")
        if "canonical" in (link.get("rel") or "").lower().split()
    ]
    metas = [m.get("content", "") for m in tree.iter("meta") if (m.get("property") or "").lower() == "og:url"]
    for candidate in (c.strip() for c in links + metas):
        if is_url(candidate) and urlsplit(candidate).netloc:
            return candidate
    return None


def user_agent(ctx: click.Context) -> str:
    """The configured User-Agent for fetching a page (loads the config only when a URL is given)."""
    from crawler.cli import get_config

    return str(get_config(ctx).user_agent)


def err_console() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)  # an error stays one line


def progress_bar(console: Console, total: int) -> Progress:
    """A transient bar on a terminal for three inputs or more; nothing otherwise."""
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=console,
        transient=True,
        disable=total < 3 or not console.is_terminal,
    )
