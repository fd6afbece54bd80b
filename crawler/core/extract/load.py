"""Page bytes → text → parsed tree, each pass over the page's characters made once.

trafilatura's ``load_html`` scans every character of a page for those XML forbids (a regex substitution
over the whole text, a millisecond or two on a real page) and so did our decoding, for the C0 controls
libxml2 rejects. Here the controls are found on the bytes (``bytes.translate``, a fifth of the cost)
for encodings where a control character can only come from a control byte, and the parse runs
trafilatura's own parser and repairs, minus that second scan. Pure: no IO.
"""

from __future__ import annotations

import codecs
import re

from lxml.html import HtmlElement, fromstring
from trafilatura.utils import DOCTYPE_TAG, FAULTY_HTML, HTML_PARSER, fromstring_bytes

from crawler.core.extract.decode import CONTROL_CHARS, binary_kind, decode_html
from crawler.core.records import Rejected

# libxml2 stops building the tree 256 levels down and drops what lies deeper; a page nested that
# deep (thousands of wrapper divs) is parsed again with its wrappers flattened
MAX_DEPTH = 255
_WRAPPERS = re.compile(r"</?(?:div|span|section|font|center)\b[^>]*>", re.IGNORECASE)
_CONTROL_BYTES = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
# encodings in which bytes below 0x80 are ASCII wherever they stand: a control character in the text
# comes from a control byte (not so in UTF-16/32, nor in EBCDIC code pages)
_ASCII_BASED = re.compile(
    r"utf-8|cp12\d\d|iso8859-\d+|gb18030|gbk|gb2312|big5|big5hkscs|shift_jis|euc_\w+|koi8-\w"
)
# what XML forbids beyond the C0 controls (trafilatura's INVALID_XML_CHARS, of which CONTROL_CHARS
# holds the rest): rare enough to look for by a plain substring search
_NONCHARACTERS = ("\ufffe", "\uffff")


def page_text(html: bytes | str, charset: str | None) -> str | Rejected:
    """The page as text with control characters dropped, or why there is none (``Rejected`` with no URL)."""
    if isinstance(html, bytes | bytearray):
        data = bytes(html)
        if not data or data.isspace():
            return Rejected("", "empty page")
        kind = binary_kind(data)
        if kind:
            return Rejected("", f"binary: {kind}, not a web page")
        text, encoding = decode_html(data, charset)
        clean = _ascii_based(encoding) and len(data.translate(None, _CONTROL_BYTES)) == len(data)
    elif isinstance(html, str):
        text, clean = html, False
        kind = binary_kind(text)
        if kind:
            return Rejected("", f"binary: {kind}, not a web page")
    else:
        return Rejected("", f"not a page: got {type(html).__name__}, expected bytes or str")
    if not clean and CONTROL_CHARS.search(text):  # searched first: the substitution copies the page
        text = CONTROL_CHARS.sub("", text)
    for char in _NONCHARACTERS:
        if char in text:
            text = text.replace(char, "")
    if not text or text.isspace():
        return Rejected("", "empty page")
    return text


def _ascii_based(encoding: str) -> bool:
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        return False
    return bool(_ASCII_BASED.fullmatch(name))


def parse(text: str) -> HtmlElement | None:
    """Parse text from ``page_text`` as trafilatura's ``load_html`` does (its parser, its repairs of the
    doctype line and a self-closing ``<html/>``, its rejection of a non-HTML fragment), without its
    scan for characters ``page_text`` already dropped. None when there is no document."""
    beginning = text[:50].lower()
    if "doctype" in beginning:
        first, _, rest = text.partition("\n")
        text = DOCTYPE_TAG.sub("", first, count=1) + "\n" + rest
    for line in text[:4096].splitlines()[:4]:
        if "<html" in line and line.endswith("/>"):
            text = FAULTY_HTML.sub(r"\1>", text, count=1)
            break
    tree, as_bytes = None, False
    try:
        tree = fromstring(text, parser=HTML_PARSER)
    except ValueError:  # "Unicode strings with encoding declaration are not supported"
        tree, as_bytes = fromstring_bytes(text), True
    if (tree is None or len(tree) < 1) and not as_bytes:
        tree = fromstring_bytes(text)
    if tree is None or not len(tree) or ("html" not in beginning and len(tree) < 2):
        return None
    return tree


def too_deep(text: str) -> bool:
    """Cheap sign of pathological nesting: more wrapper tags than libxml2 keeps levels."""
    return text.count("<div") + text.count("<DIV") + text.count("<span") > MAX_DEPTH


def flattened(text: str) -> HtmlElement | None:
    """The page parsed again without its wrapper tags (for a page nested deeper than libxml2 goes)."""
    return parse(_WRAPPERS.sub(" ", text))
