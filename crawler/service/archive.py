"""WARC export of the kept pages: the format archivists and their tools (pywb, warcio, ArchiveBox) read.

Each kept page becomes a ``response`` record at its final URL, dated when it was fetched, with the
status and headers as received and the body byte for byte. The crawl keeps the body after HTTP content
decoding, so the headers that described the bytes on the wire (``Content-Encoding``,
``Transfer-Encoding``, ``Content-Length``) are replaced by the length of the body written. A
``warcinfo`` record opens the file. The file is written beside its target and renamed into place, so a
reader never sees half an archive.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from datetime import date
from http import HTTPStatus
from pathlib import Path
from typing import Any

from crawler.store import RawPage, Store

WIRE_HEADERS = frozenset({"content-encoding", "transfer-encoding", "content-length"})


def export_warc(
    store: Store,
    path: Path,
    *,
    source: str | None = None,
    since: date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Write the kept pages (of ``source``, fetched since ``since``) to the WARC file ``path``
    (gzipped per record when it ends in ``.gz``); how many pages were written."""
    from warcio.warcwriter import WARCWriter

    total = store.pages.count(source=source, since=since)
    partial = path.with_name(f".{path.name}.{os.getpid()}.part")
    written = 0
    try:
        with partial.open("wb") as out:
            writer = WARCWriter(out, gzip=path.name.endswith(".gz"))
            info = {"software": "hotline", "format": "WARC File Format 1.1", "source": source or "all"}
            writer.write_record(writer.create_warcinfo_record(path.name, info))
            for page in store.pages.all(source=source, since=since):
                writer.write_record(response_record(writer, page))
                written += 1
                if progress is not None:
                    progress(written, total)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return written


def response_record(writer: Any, page: RawPage) -> Any:
    """The WARC ``response`` record of ``page``: status line, headers, body."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.timeutils import datetime_to_iso_date

    headers = [(name, value) for name, value in page.headers if name.lower() not in WIRE_HEADERS]
    headers.append(("Content-Length", str(len(page.body))))
    http = StatusAndHeaders(f"{page.status} {_phrase(page.status)}", headers, protocol="HTTP/1.1")
    return writer.create_warc_record(
        page.final_url,
        "response",
        payload=io.BytesIO(page.body),
        http_headers=http,
        warc_headers_dict={"WARC-Date": datetime_to_iso_date(page.fetched_at)},
    )


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"
