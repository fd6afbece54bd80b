"""``extract.cascade`` gives the text trafilatura's ``bare_extraction`` gives, on every fixture page, as
published and as our pruning and cleaning leave it, while skipping readability where it cannot win."""

from __future__ import annotations

from pathlib import Path

import pytest
import trafilatura
from trafilatura.baseline import html2txt
from trafilatura.main_extractor import extract_content
from trafilatura.settings import Document, Extractor
from trafilatura.xpaths import RAW_TREE_PRUNE_XPATH, REMOVE_COMMENTS_AND_LISTS_XPATH

from crawler.core.extract.cascade import (
    CASCADE,
    COMMENT_WORDS,
    RAW_TREE_PRUNE,
    RAW_TREE_WORDS,
    REMOVE_COMMENTS_AND_LISTS,
    _bare_text,
    _page_text_bound,
    _readability_cannot_win,
    extract_text,
)
from crawler.core.extract.clean import clean_tree
from crawler.core.extract.load import page_text, parse
from crawler.core.extract.prune import drop_unread
from crawler.core.extract.rules import bundled_rules

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted((ROOT / "fixtures").rglob("*.html"))
URL = "https://news.example.org/2025/05/02/story/"


def trees(path: Path) -> list:
    text = page_text(path.read_bytes(), None)
    if not isinstance(text, str) or parse(text) is None:
        return []
    cleaned = drop_unread(parse(text))
    clean_tree(cleaned, (bundled_rules().dom,))
    return [parse(text), cleaned]


@pytest.mark.parametrize("path", PAGES, ids=[str(p.relative_to(ROOT)) for p in PAGES])
def test_same_text_as_bare_extraction(path: Path) -> None:
    for tree in trees(path):
        theirs = trafilatura.bare_extraction(tree, url=URL, include_comments=False, with_metadata=False)
        assert extract_text(tree, URL) == (theirs.text if isinstance(theirs, Document) else None)


def test_the_installed_trafilatura_has_the_internals_the_cascade_calls() -> None:
    """On another trafilatura the cascade falls back to ``bare_extraction`` (same text, slower): this
    says so in CI rather than letting the real-page speed drop unnoticed."""
    assert CASCADE, "trafilatura's internals changed: crawler/core/extract/cascade.py uses bare_extraction"


def test_the_fallback_gives_the_same_text() -> None:
    for path in PAGES[:12]:
        for tree in trees(path):
            assert _bare_text(tree, URL) == extract_text(tree, URL)


def story(chrome: int) -> str:
    paragraphs = "".join(
        f"<p>Paragraph {i}: the two delegations reviewed the radio procedures their ships use at sea.</p>"
        for i in range(8)
    )
    teaser = "<div class='teaser'><a href='/s/{i}'>Another story number {i} on the page</a></div>"
    menu = "".join(teaser.format(i=i) for i in range(chrome))
    return f"<html><body><article>{paragraphs}</article>{menu}</body></html>"


def test_readability_is_skipped_only_when_the_page_holds_too_little_to_win() -> None:
    options = Extractor(output_format="python", comments=False, url=URL)
    for chrome, skipped in ((0, True), (200, False)):
        tree = parse(story(chrome))
        body, text = extract_content(parse(story(chrome)), options)
        assert _readability_cannot_win(body, text, tree) is skipped
        theirs = trafilatura.bare_extraction(tree, url=URL, include_comments=False)
        assert extract_text(tree, URL) == theirs.text


SHAPES = [
    ("div", 'id="comments"'), ("div", 'id="Comment-area"'), ("div", 'id="commentary"'),
    ("section", 'id="Commentary-box"'), ("div", 'id="comol"'), ("div", 'id="disqus_thread"'),
    ("div", 'id="dsq-comments-x"'), ("ul", 'id="comment-list"'), ("ol", 'class="comments"'),
    ("ol", 'class="story-list"'), ("div", 'class="wp post-comments"'), ("div", 'class="article-comments"'),
    ("div", 'class="commentary"'), ("div", 'class="xcomment"'), ("details", 'class="Comments"'),
    ("div", 'id="infinite-scroll"'), ("aside", 'class="infinitescroll"'), ("div", 'class="mvp-post-add-box"'),
    ("section", 'id="mvp-post-add-wrap"'), ("div", 'class="elementor-share-buttons x"'),
]  # fmt: skip


@pytest.mark.parametrize("with_h1", [False, True])
def test_the_prune_expressions_match_trafilaturas(with_h1: bool) -> None:
    inner = "<h1>Head</h1>" if with_h1 else "<p>Some words.</p>"
    blocks = "".join(f"<{tag} {attrs}>{inner}</{tag}>" for tag, attrs in SHAPES)
    tree = parse(f"<html><body>{blocks}</body></html>")
    assert tree is not None
    pairs = (
        (RAW_TREE_PRUNE_XPATH, RAW_TREE_PRUNE),
        (REMOVE_COMMENTS_AND_LISTS_XPATH, REMOVE_COMMENTS_AND_LISTS),
    )
    for theirs, ours in pairs:
        for expected, found in zip(theirs, ours, strict=True):
            assert found(tree) == expected(tree)
    assert len(REMOVE_COMMENTS_AND_LISTS[0](tree)) >= 8 and RAW_TREE_PRUNE[0](tree)


@pytest.mark.parametrize("with_h1", [False, True])
def test_an_element_the_prune_expressions_take_names_one_of_their_words(with_h1: bool) -> None:
    """The expressions run only on pages whose ids and classes hold one of these words: every element
    trafilatura's own expressions take carries one."""
    inner = "<h1>Head</h1>" if with_h1 else "<p>Some words.</p>"
    blocks = "".join(f"<{tag} {attrs}>{inner}</{tag}>" for tag, attrs in SHAPES)
    tree = parse(f"<html><body>{blocks}</body></html>")
    assert tree is not None
    pairs = ((RAW_TREE_PRUNE_XPATH, RAW_TREE_WORDS), (REMOVE_COMMENTS_AND_LISTS_XPATH, COMMENT_WORDS))
    for expressions, words in pairs:
        taken = [node for expression in expressions for node in expression(tree)]
        assert taken
        for node in taken:
            names = f"{node.get('id', '')} {node.get('class', '')}"
            assert any(word in names for word in words), names


MINIFIED = [
    "<html><body><p>one</p>two<div>three<span>four</span></div><br>five<img src=a.png>six</body></html>",
    "<html><body>" + "".join(f"<li>w{i}</li><td>x</td>" for i in range(300)) + "</body></html>",
    "<html><head><title>T</title></head><body><p>a\u2028 b\u3000\u00a0c</p><aside>side</aside></body></html>",
    "<div><p>no</p><p>body</p>element</div>",
]


@pytest.mark.parametrize("path", PAGES[:40], ids=[str(p.relative_to(ROOT)) for p in PAGES[:40]])
def test_the_page_text_bound_is_never_below_trafilaturas_page_text(path: Path) -> None:
    """The escalation test is skipped on the bound alone only when the bound holds on every page."""
    for tree in trees(path):
        assert _page_text_bound(tree) >= len(html2txt(tree))


def test_the_page_text_bound_holds_where_blocks_run_together() -> None:
    for markup in MINIFIED:
        tree = parse(markup)
        assert tree is not None
        found = len(html2txt(tree))
        assert found <= _page_text_bound(tree) <= found + 2 * len(list(tree.iter())) + 20
