"""``extract.load``: control characters go whichever way the page is encoded, and the parse matches
trafilatura's own loader (the same tree, the same refusals) without its second scan of the page."""

from __future__ import annotations

import pytest
import trafilatura
from lxml import etree

from crawler.core.extract.load import page_text, parse
from crawler.core.records import Rejected

PAGE = (
    "<!DOCTYPE html>\n<html><head><title>Drill</title></head>"
    "<body><p>Radio{c} check at dawn, caf\u00e9.</p></body></html>"
)


@pytest.mark.parametrize("encoding", ["utf-8", "cp1252", "utf-16", "gb18030"])
@pytest.mark.parametrize("control", ["\x00", "\x08", "\x1b", "\x7f", "\ufffe", ""])
def test_control_characters_are_dropped_in_every_encoding(encoding: str, control: str) -> None:
    if control == "\ufffe" and encoding in ("cp1252", "gb18030"):
        pytest.skip("not encodable")
    data = PAGE.format(c=control).encode(encoding)
    text = page_text(data, encoding if encoding != "utf-16" else None)
    assert isinstance(text, str)
    assert text.endswith("</html>") and "Radio check at dawn, caf\u00e9." in text


def test_a_str_page_is_cleaned_too() -> None:
    assert page_text(PAGE.format(c="\x0b"), None) == PAGE.format(c="")
    assert isinstance(page_text("  \n", None), Rejected)


@pytest.mark.parametrize(
    "html",
    [
        PAGE.format(c=""),
        '<?xml version="1.0" encoding="utf-8"?><html><body><p>Declared encoding.</p></body></html>',
        "<html/>\n<body><p>Self-closing root.</p></body>",
        "<p>A fragment alone</p>",
        "just words, no markup at all",
    ],
)
def test_parse_gives_trafilaturas_tree(html: str) -> None:
    ours, theirs = parse(html), trafilatura.load_html(html)
    if theirs is None or not len(theirs):
        assert ours is None
    else:
        assert ours is not None and etree.tostring(ours) == etree.tostring(theirs)
