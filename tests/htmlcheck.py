"""A strict check of the HTML pages hotline writes: well nested, every element closed, one title,
no script, no unescaped markup from the input. (No validator runs offline; this is the part of
validity our pages can get wrong.)"""

from __future__ import annotations

from html.parser import HTMLParser

VOID = {"meta", "link", "br", "hr", "img", "input", "wbr", "source", "area", "col", "embed", "track", "param"}
# SVG's own empty elements, written as <x/>
SVG_EMPTY = {"rect", "circle", "line", "polygon", "path", "polyline", "ellipse"}


class _Nesting(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.counts: dict[str, int] = {}
        self.doctype = False

    def handle_decl(self, decl: str) -> None:
        self.doctype = self.doctype or decl.lower() == "doctype html"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.counts[tag] = self.counts.get(tag, 0) + 1
        for name, value in attrs:
            if name.startswith("on") or (value or "").strip().lower().startswith("javascript:"):
                self.errors.append(f"script attribute {name}={value!r}")
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.counts[tag] = self.counts.get(tag, 0) + 1
        if tag not in VOID | SVG_EMPTY:
            self.errors.append(f"<{tag}/> is not an empty element")

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1] if self.stack else 'nothing'}")
            if tag in self.stack:
                while self.stack and self.stack.pop() != tag:
                    pass
            return
        self.stack.pop()


def html_problems(data: bytes) -> list[str]:
    """What is wrong with a page (empty when it is well formed)."""
    checker = _Nesting()
    checker.feed(data.decode("utf-8"))
    checker.close()
    problems = list(checker.errors)
    if checker.stack:
        problems.append(f"unclosed: {checker.stack}")
    if not checker.doctype:
        problems.append("no <!DOCTYPE html>")
    if checker.counts.get("title", 0) < 1 or checker.counts.get("h1", 0) != 1:
        problems.append("needs a <title> and exactly one <h1>")
    if checker.counts.get("script") or checker.counts.get("iframe"):
        problems.append("has a script or iframe element")
    return problems
