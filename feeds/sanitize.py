"""Make untrusted text safe for feeds: XML-legal characters, escaped HTML, checked links.

Article text comes from other people's pages: it can hold control characters, lone surrogates or
U+FFFE that XML 1.0 cannot carry (lxml and feedgen raise on them) and markup that must never reach a
reader as markup. Everything here cleans instead of failing, so one odd page cannot stop a feed.
"""

from __future__ import annotations

import html
import re
import unicodedata
from urllib.parse import urlsplit

# Characters XML 1.0 forbids (C0 controls except tab/newline/return, surrogates, U+FFFE/U+FFFF) plus
# the ones it discourages (DEL, C1 controls, the U+FDD0..U+FDEF non-characters).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")
_SPACES = re.compile(r"\s+")
_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029\x85]")
_SAFE_SCHEMES = ("http", "https")


def xml_text(value: object) -> str:
    """Return ``value`` as a string XML 1.0 can carry: forbidden characters dropped, NFC-normalised.

    Why: feedgen (through lxml) raises ``ValueError`` on control characters and lone surrogates, and
    ``json`` cannot encode lone surrogates to UTF-8.
    """
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    text = _LINE_BREAKS.sub("\n", text)
    text = _NOT_XML.sub("", text)
    return unicodedata.normalize("NFC", text)


def one_line(value: object, limit: int = 500) -> str:
    """XML-safe text on one line, whitespace collapsed, cut to ``limit`` characters with an ellipsis."""
    text = _SPACES.sub(" ", xml_text(value)).strip()
    return shorten(text, limit)


def shorten(text: str, limit: int) -> str:
    """Cut ``text`` at a word boundary before ``limit`` characters and mark the cut with "…"."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-") + "…"


def safe_url(value: object) -> str | None:
    """The URL if it is an absolute http(s) URL a reader may follow, else None.

    Why: a ``javascript:`` or ``data:`` link in a feed is a script injection into every reader.
    """
    url = one_line(value, limit=4000).replace(" ", "%20")
    if not url:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in _SAFE_SCHEMES or not parts.netloc:
        return None
    return url


def paragraphs(text: object) -> list[str]:
    """Split cleaned article text into paragraphs: every non-blank line is one, whitespace collapsed.

    Why: trafilatura gives one paragraph per line; the feed model asks for blank lines between them.
    Both shapes come out the same.
    """
    result = []
    for line in xml_text(text).split("\n"):
        line = _SPACES.sub(" ", line).strip()
        if line:
            result.append(line)
    return result


def text_to_html(text: object, max_chars: int) -> tuple[str, bool]:
    """Plain text → ``<p>`` paragraphs with every character escaped; returns (html, was_truncated).

    Nothing of the source page's markup can survive: the text is escaped, never parsed. Text past
    ``max_chars`` is dropped at a paragraph boundary so one huge page cannot bloat every reader.
    """
    out: list[str] = []
    used = 0
    truncated = False
    for para in paragraphs(text):
        if used + len(para) > max_chars:
            room = max_chars - used
            if room > 200 or not out:
                out.append(f"<p>{escape(shorten(para, max(room, 200)))}</p>")
            truncated = True
            break
        out.append(f"<p>{escape(para)}</p>")
        used += len(para)
    return "\n".join(out), truncated


def escape(text: str) -> str:
    """HTML-escape text for element content and double-quoted attributes."""
    return html.escape(text, quote=True)


def link_html(url: object, label: str) -> str:
    """``<a href>`` for a safe URL, or the escaped label alone when the URL is not http(s)."""
    href = safe_url(url)
    if href is None:
        return escape(label)
    return f'<a href="{escape(href)}">{escape(label)}</a>'
