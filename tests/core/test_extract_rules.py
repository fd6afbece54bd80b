"""The boilerplate rules as data, and the selector index that matches them in one pass."""

from __future__ import annotations

import tomllib
from importlib import resources

import lxml.html
import pytest
from lxml import etree

from crawler.core.extract.decode import decode_html
from crawler.core.extract.rules import RuleError, bundled_rules, parse_rules, selector_to_xpath, site_rules
from crawler.core.extract.selector_syntax import parse_compound
from crawler.core.extract.selectors import SelectorIndex
from crawler.devtools.fixtures import find_fixtures

GROUPS = {
    "comments",
    "paywall",
    "donation",
    "promo",
    "share",
    "related",
    "cookie",
    "bio",
    "caption",
    "ads",
    "meta",
    "chrome",
}


def _page(body: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(f"<html><head><title>t</title></head><body>{body}</body></html>")


def _index(*selectors: str) -> SelectorIndex:
    return SelectorIndex(selectors)


def test_bundled_rules_compile_and_use_known_groups() -> None:
    raw = tomllib.loads(resources.files("crawler.data").joinpath("boilerplate.toml").read_text("utf-8"))
    rules = bundled_rules()
    assert set(raw["dom"]) <= GROUPS and set(raw["lines"]) <= GROUPS
    assert len(rules.dom.rules) > 100 and len(rules.lines) > 40
    # every rule names the platform or habit it models
    assert all(rule.name and rule.group in GROUPS for rule in rules.dom.rules)
    assert {"comments", "paywall", "donation", "promo", "share", "related", "cookie", "bio"} <= {
        rule.group for rule in rules.dom.rules
    }


def test_comment_systems_are_covered_by_name() -> None:
    names = {rule.name for rule in bundled_rules().dom.rules if rule.group == "comments"}
    assert {"wordpress", "wpdiscuz", "disqus", "facebook"} <= names


def test_bad_rules_raise_clear_errors() -> None:
    with pytest.raises(RuleError, match="invalid CSS selector"):
        selector_to_xpath("div[[[")
    with pytest.raises(RuleError, match="invalid selector"):
        selector_to_xpath("xpath:.//div[")
    with pytest.raises(RuleError, match="bad pattern"):
        parse_rules('[lines.promo]\nx = ["(unclosed"]\n')


def test_site_rules_skip_a_bad_selector_and_keep_the_rest(caplog: pytest.LogCaptureFixture) -> None:
    rule_set = site_rules(("div[[[", ".reader-poll"))
    assert [rule.source for rule in rule_set.rules] == [".reader-poll"]
    assert "fix the source's 'selectors' key" in caplog.text


@pytest.mark.parametrize(
    ("selector", "simple"),
    [
        ("#comments", True),
        (".jp-relatedposts", True),
        ("ol.commentlist", True),
        ("[class*='newsletter']", True),
        ("[class^='wpd-']", True),
        ("amp-social-share", True),
        ("[data-spotim-module]", True),
        ("div > p", False),
        ("p:has(a)", False),
        ("*", False),
    ],
)
def test_parse_compound_knows_what_it_can_index(selector: str, simple: bool) -> None:
    assert (parse_compound(selector) is not None) is simple


def test_index_operators_match_like_css() -> None:
    page = _page(
        '<div id="a" class="x promo-box">1</div><div class="promo">2</div><p class="y" data-k="v w">3</p>'
        '<span class="endbox">4</span><amp-ad>5</amp-ad><section><p>6</p></section>'
    )
    index = _index(
        "#a", ".promo", "[class*='o-b']", "[data-k~='w']", "[class$='box']", "amp-ad", "section > p"
    )
    found = {node.text_content(): position for node, position in index.match(page.find("body"))}
    # "1" matches #a (0) and [class*='o-b'] (2) and [class$='box'] (4): the first rule is reported
    assert found == {"1": 0, "2": 1, "3": 3, "4": 4, "5": 5, "6": 6}


def test_index_finds_what_cssselect_finds_on_every_fixture_page() -> None:
    """The one-pass index is an optimisation: it must select exactly the nodes the rules' XPath does,
    on pages whose taxonomy class tokens (``tag-*``, ``category-*``…) are left out, as the index reads
    them."""
    rules = bundled_rules()
    assert rules.taxonomy is not None
    checked = tokens_dropped = 0
    for fixture in find_fixtures():
        text, _ = decode_html(fixture.read_html(), fixture.charset)
        body = lxml.html.fromstring(text.encode("utf-8"), parser=lxml.html.HTMLParser(encoding="utf-8"))
        scope = body.find("body")
        by_index = dict(rules.dom.index.match(scope))
        for node in scope.iter():
            classes = node.get("class")
            if classes:
                kept = [token for token in classes.split() if not rules.taxonomy.fullmatch(token)]
                tokens_dropped += len(classes.split()) - len(kept)
                node.set("class", " ".join(kept))
        by_xpath = {}
        for position, rule in enumerate(rules.dom.rules):
            for node in etree.XPath(rule.xpath)(scope):
                by_xpath.setdefault(node, position)
        assert by_index == by_xpath, fixture.id
        checked += len(by_index)
    assert checked > 50  # the fixtures do exercise the rules
    assert tokens_dropped > 10  # and taxonomy tokens


def test_substring_rules_find_every_value_that_holds_them() -> None:
    """The substring rules are looked up once each in all of a page's class (and id) values joined:
    the first value, the last, a value holding one twice and values side by side all count."""
    page = _page(
        '<div class="promo-x">1</div><div class="plain">2</div><div class="a-promo promo-b">3</div>'
        '<div class="promox">4</div><div id="side-promo">5</div><div id="plain">6</div>'
        '<div class="x">7</div><div class="tail-promo">8</div>'
    )
    index = _index("[class*='promo']", "[id*='promo']", "[class^='x']")
    found = {node.text_content(): position for node, position in index.match(page.find("body"))}
    assert found == {"1": 0, "3": 0, "4": 0, "5": 1, "7": 2, "8": 0}


@pytest.mark.parametrize("odd", ["", "a|b", "a|b c\u00a6d", "a|b c\u00a6d e\u241ff"])
def test_class_values_holding_the_index_separators_still_match_exactly(odd: str) -> None:
    """Class values are matched by one substring test against the hit values joined by a separator;
    values that contain the separators (or all of them) must neither be missed nor over-match."""
    page = _page(
        f'<div class="{odd} promo-box">1</div><div class="promo-box">2</div>'
        f'<div class="{odd}">3</div><div class="a">4</div><div class="b">5</div><div class="a|b">6</div>'
    )
    found = [n.text_content() for n, _ in _index(".promo-box", ".a", ".b").match(page.find("body"))]
    assert found == ["1", "2", "4", "5"]


def test_label_rules_take_the_heading_and_the_list_after_it() -> None:
    page = _page(
        '<h4 class="block-title"><span>Related  Articles</span></h4><ul><li><a href="/a">Other</a></li></ul>'
        "<p>Kept</p><div>Related Articles<span>not a text-only div</span></div>"
        "<h3>Related Articles and analysis</h3><div>Related Articles</div><p>Kept too</p>"
    )
    found = [
        (node.tag, node.text_content())
        for node, _ in _index("label:Related Articles").match(page.find("body"))
    ]
    assert found == [("h4", "Related  Articles"), ("ul", "Other"), ("div", "Related Articles")]


def test_attribute_only_and_fallback_selectors_keep_document_order() -> None:
    page = _page('<p>a</p><div data-poll="1">poll</div><section><p>b</p></section><div id="x">c</div>')
    index = _index("#x", "[data-poll]", "section > p")
    assert [(n.text_content(), p) for n, p in index.match(page.find("body"))] == [
        ("poll", 1),
        ("b", 2),
        ("c", 0),
    ]
