"""Page bytes → text, the way a browser would read them.

Order: byte-order mark, then the HTTP header's charset, then the page's own ``<meta charset>``, then
UTF-8, then detection. A declared charset is used only if the bytes decode with it, so a server that
says UTF-8 about a windows-1252 page does not turn its quotes into U+FFFD. Labels are resolved as
browsers do (w3lib, WHATWG): latin-1 means windows-1252, GB2312 means GB18030, Big5 means Big5-HKSCS.
"""

from __future__ import annotations

import re

from charset_normalizer import from_bytes
from w3lib.encoding import html_body_declared_encoding, read_bom, resolve_encoding

# magic numbers of files a crawler meets that are not pages
_MAGIC = {
    b"%PDF": "PDF document",
    b"\x89PNG": "PNG image",
    b"\xff\xd8\xff": "JPEG image",
    b"GIF8": "GIF image",
    b"PK\x03\x04": "ZIP archive",
    b"\x1f\x8b": "gzip data",
    b"RIFF": "RIFF media",
    b"\x00\x00\x01\x00": "icon",
    b"OggS": "Ogg media",
    b"ID3": "MP3 audio",
    b"\xd0\xcf\x11\xe0": "Office document",
}
# C0 controls other than tab/newline/carriage return, and DEL: never text, and libxml2 rejects some
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SNIFF = 2048


def binary_kind(data: bytes | str) -> str | None:
    """Name what ``data`` is when it is not text (``"PNG image"``, ``"binary data"``), else None."""
    if isinstance(data, str):
        head = data[:_SNIFF]
        controls = len(CONTROL_CHARS.findall(head))
        return "binary data" if head and controls > 0.05 * len(head) else None
    head = data[:_SNIFF]
    for magic, kind in _MAGIC.items():
        if head.startswith(magic):
            return kind
    if read_bom(head)[0] is not None:
        return None  # UTF-16/32 text carries NUL bytes by design
    if len(_CONTROL_BYTES.findall(head)) > 0.05 * max(len(head), 1):
        return "binary data"
    return None


def _decodes(data: bytes, encoding: str | None) -> str | None:
    if not encoding:
        return None
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def decode_html(data: bytes, charset: str | None = None) -> tuple[str, str]:
    """Decode a page; return ``(text, encoding used)``. Never fails: the last resort replaces bytes."""
    bom, bom_bytes = read_bom(data)
    if bom is not None:
        return data[len(bom_bytes) :].decode(bom, errors="replace"), bom
    candidates = [
        resolve_encoding(charset) if charset else None,
        _declared(data),
        "utf-8",
    ]
    for encoding in candidates:
        text = _decodes(data, encoding)
        if text is not None:
            return text, encoding or "utf-8"
    guess = from_bytes(data[:20000]).best()
    encoding = resolve_encoding(guess.encoding) if guess is not None else None
    text = _decodes(data, encoding)
    if text is not None:
        return text, encoding or "utf-8"
    fallback = candidates[0] or candidates[1] or "utf-8"
    return data.decode(fallback, errors="replace"), fallback


def _declared(data: bytes) -> str | None:
    label = html_body_declared_encoding(data[:4096])
    return resolve_encoding(label) if label else None
