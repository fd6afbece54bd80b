"""extract_article: clean records from noisy pages, Rejected values for pages that are not articles.

Pages here are built in the test so each one shows one behaviour; the saved platform pages are in
tests/core/test_extract_fixtures.py.
"""

from __future__ import annotations

import inspect

import pytest

from crawler.core.extract import CleaningReport, Removal, explain_article, extract_article, extract_reported
from crawler.core.extract.decode import decode_html
from crawler.core.extract.lines import clean_lines
from crawler.core.extract.rules import bundled_rules
from crawler.core.records import Article, Rejected

URL = "https://news.example.com/2024/04/16/defense-chiefs-talk/"

STORY = [
    "The two defence ministers spoke by video link on Tuesday evening, their first substantive talk in "
    "well over a year, according to officials on both sides.",
    "American officials said the call covered the rules for unplanned encounters at sea and in the air, "
    "and the need to keep military channels open during periods of tension.",
    "Chinese officials said the talks were candid and that Washington should respect Beijing's core "
    "interests, in particular on Taiwan and in the South China Sea.",
    "Both ministries said working-level staff would meet again before the summer to prepare a schedule "
    "of theatre-level calls and maritime safety consultations.",
    "Analysts in Singapore said the restored contacts were modest but welcome, since commanders had gone "
    "months without any direct way to clarify intentions after close intercepts.",
    "The ministries released no transcript, and neither side said how long the conversation lasted.",
]


def page(
    body: str = "",
    *,
    title: str = "Defense chiefs hold first call in over a year",
    head: str = "",
    story: list[str] | None = None,
    lang: str = "en",
) -> str:
    paragraphs = "".join(f"<p>{p}</p>\n" for p in (STORY if story is None else story))
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>{head}</head>'
        f'<body><header><nav><a href="/">Home</a> <a href="/world/">World</a></nav></header>'
        f'<article><h1>{title}</h1><div class="story-body">{paragraphs}{body}</div></article>'
        f"<footer>© 2024 Example News</footer></body></html>"
    )


def article(html: str | bytes, **kwargs: object) -> Article:
    result = extract_article(html, URL, **kwargs)  # type: ignore[arg-type]
    assert isinstance(result, Article), result
    return result


# --- the interface others call -------------------------------------------------------------------


def test_signature_is_the_agreed_interface() -> None:
    params = inspect.signature(extract_article).parameters
    assert list(params) == ["html", "url", "charset", "selectors", "profile"]
    assert params["charset"].kind is inspect.Parameter.KEYWORD_ONLY
    assert params["selectors"].default == ()
    assert params["profile"].default is None  # issue 15: the site's profile, as data


def test_record_fields_and_paragraphs() -> None:
    head = (
        '<link rel="canonical" href="/2024/04/16/defense-chiefs-talk/?utm_source=feed">'
        '<meta property="og:site_name" content="Example News">'
        '<meta property="og:image" content="https://news.example.com/img/lead.jpg">'
        '<meta name="description" content="The ministers spoke by video.">'
        '<meta property="article:published_time" content="2024-04-16T21:30:00+08:00">'
        '<meta name="author" content="Jane Roe">'
    )
    result = article(page(head=head))
    assert result.url == URL
    assert result.canonical_url == URL  # declared canonical, tracking parameter dropped
    assert result.title == "Defense chiefs hold first call in over a year"
    assert result.text.split("\n\n") == STORY
    assert result.published == "2024-04-16T21:30:00+08:00"
    assert (result.author, result.site_name, result.language) == ("Jane Roe", "Example News", "en")
    assert result.image == "https://news.example.com/img/lead.jpg"
    assert result.description == "The ministers spoke by video."


def test_str_and_bytes_give_the_same_article() -> None:
    html = page()
    assert extract_article(html, URL) == extract_article(html.encode("utf-8"), URL)


# --- the cleaning layer --------------------------------------------------------------------------

BOILERPLATE = """
<div class="newsletter-signup"><p>Get our China defence briefing every Friday in your inbox.</p></div>
<div id="wpdcom" class="wpd-default"><div class="wpd-form-head">Subscribe to Comments</div>
  <div class="wpd-thread-info">Inline Feedbacks</div></div>
<p>Join our verified <a href="https://t.me/examplenews">Telegram channel</a> for breaking news!</p>
<p>Subscribe now</p>
<div class="support-us-box"><p>Reporting like this costs money. Please support us today!</p></div>
"""


def test_boilerplate_is_removed_and_explained() -> None:
    result, removals = explain_article(page(BOILERPLATE), URL)
    assert isinstance(result, Article)
    for phrase in (
        "briefing every Friday",
        "Subscribe to Comments",
        "Inline Feedbacks",
        "Telegram",
        "Subscribe now",
        "costs money",
    ):
        assert phrase not in result.text
    assert result.text.split("\n\n") == STORY
    groups = {r.group for r in removals}
    assert {"promo", "comments", "donation", "paywall"} <= groups
    assert all(isinstance(r, Removal) and r.rule and r.snippet for r in removals)
    wpdiscuz = next(r for r in removals if "Subscribe to Comments" in r.snippet)
    assert wpdiscuz.stage == "dom" and "wpd" in wpdiscuz.rule


def test_explain_and_extract_agree() -> None:
    html = page(BOILERPLATE)
    assert explain_article(html, URL)[0] == extract_article(html, URL)


def test_source_selectors_remove_a_site_specific_block() -> None:
    html = page(
        '<div class="xq-reader-poll"><p>Vote in our reader poll about the best fighter jet of '
        "the decade and see the results live.</p></div>"
    )
    assert "reader poll" in article(html).text
    result, removals = explain_article(html, URL, selectors=(".xq-reader-poll",))
    assert isinstance(result, Article) and "reader poll" not in result.text
    assert [r.group for r in removals if r.stage == "dom"] == ["site"]
    # a broken selector from a user's config is skipped, not fatal
    assert "reader poll" not in article(html, selectors=("div[[[", ".xq-reader-poll")).text


def test_a_rule_never_empties_the_page() -> None:
    # a site selector that matches the article container itself is refused by the guard
    result, removals = explain_article(page(), URL, selectors=(".story-body",))
    assert isinstance(result, Article) and result.text.split("\n\n") == STORY
    assert [r.group for r in removals if r.stage == "dom"] == ["guard"]


SIDEBAR = "".join(
    f"<li><a href='/x{i}'>Another headline about regional security matters number {i}</a></li>"
    for i in range(25)
)
OTHER = "".join(
    "<p>The port authority said on Monday that dredging of the northern channel would continue through "
    f"the autumn, with night work limited to weekdays and a public meeting planned, note {i}.</p>"
    for i in range(4)
)


def wordpress(article_class: str) -> str:
    """A post whose <article> carries WordPress post_class() tokens, beside a sidebar and other text."""
    story = "".join(f"<p>{p}</p>" for p in STORY)
    return (
        "<html><head><title>Defense chiefs talk</title></head><body><main>"
        f"<article class='{article_class}'><h1>Defense chiefs talk</h1>"
        f"<div class='entry-content'>{story}</div></article>"
        f"<aside class='widget-area'><h3>Latest</h3><ul>{SIDEBAR}</ul></aside>"
        f"<section class='community-notes'><h2>Community</h2>{OTHER}</section></main></body></html>"
    )


@pytest.mark.parametrize(
    "taxonomy",
    ["tag-intelligence-sharing", "category-telegram", "tag-sponsored-talks", "category-most-read"],
)
def test_a_posts_own_tags_never_name_a_widget(taxonomy: str) -> None:
    # WordPress prints a post's tags and categories into its class; a rule for share bars, channel
    # promos, ads or most-read lists must not read them, or the story goes and other text takes its place
    html = wordpress(f"post-123 post type-post status-publish hentry category-asia {taxonomy}")
    result, removals = explain_article(html, URL)
    assert isinstance(result, Article) and result.text.split("\n\n")[: len(STORY)] == STORY
    assert not [r for r in removals if r.stage == "dom" and r.group != "guard"]


def test_a_widget_word_in_the_storys_own_wrapper_never_removes_it() -> None:
    # a theme's share-bar style class (or a comment-loader flag) on the element that holds the story
    html = wordpress("post-123 post hentry noloaddisqus thb-post-share-style2")
    result, removals = explain_article(html, URL)
    assert isinstance(result, Article) and result.text.split("\n\n")[: len(STORY)] == STORY
    guards = [r.rule for r in removals if r.group == "guard"]
    assert guards and all("main content" in rule for rule in guards), removals


def test_a_rule_matching_every_paragraph_is_refused_whole() -> None:
    # a paywalled CMS marks each paid paragraph with the class its offer box also carries
    story = "".join(f"<p class='paywall'>{p}</p>" for p in STORY)
    html = page().replace("".join(f"<p>{p}</p>\n" for p in STORY), story)
    result, removals = explain_article(html, URL)
    assert isinstance(result, Article) and result.text.split("\n\n") == STORY
    refused = [r for r in removals if r.group == "guard"]
    assert len(refused) == len(STORY) and all("together" in r.rule for r in refused)


def test_the_cross_check_undoes_a_removal_that_held_the_article() -> None:
    # no <p> to find the main content by, and a site selector that takes the story's container: the
    # text trafilatura finds on the uncleaned page shows the cleaning was wrong, so the removal is undone
    story = "<br><br>".join(STORY)
    html = (
        "<html><head><title>Defense chiefs talk</title></head><body>"
        f"<div class='story-text'>{story}</div><aside><ul>{SIDEBAR * 2}</ul></aside></body></html>"
    )
    result, removals = explain_article(html, URL, selectors=(".story-text",))
    assert isinstance(result, Article)
    assert all(p in result.text for p in STORY)
    assert any(r.group == "guard" and "cross-check" in r.rule for r in removals), removals


def test_the_crawl_is_told_what_the_guards_did() -> None:
    # extract_reported is what the crawl calls: its report becomes hotline/cleaning/* stats
    story = "".join(f"<p class='paywall'>{p}</p>" for p in STORY)
    paid = page().replace("".join(f"<p>{p}</p>\n" for p in STORY), story)
    result, report = extract_reported(paid, URL)
    assert isinstance(result, Article) and report.refused == len(STORY) and not report.undone
    story = "<br><br>".join(STORY)
    bare = (
        "<html><head><title>Defense chiefs talk</title></head><body>"
        f"<div class='story-text'>{story}</div><aside><ul>{SIDEBAR * 2}</ul></aside></body></html>"
    )
    result, report = extract_reported(bare, URL, selectors=(".story-text",))
    assert isinstance(result, Article) and report.undone == 1 and not report.fell_back
    result, report = extract_reported(page(), URL)
    assert isinstance(result, Article) and report == CleaningReport()


def test_text_is_unicode_nfc() -> None:
    # some editors store accents as combining marks; a search for the composed word must find it
    import unicodedata

    story = [unicodedata.normalize("NFD", "Officials in Brückenhafen said the procedures were geprüft. ") + s
             for s in STORY]
    result = article(page(story=story, title=unicodedata.normalize("NFD", "Pilots geprüft")))
    assert "geprüft" in result.text and "Brückenhafen" in result.text and result.title == "Pilots geprüft"
    assert unicodedata.is_normalized("NFC", result.text)


def test_a_brief_of_thirty_words_is_an_article() -> None:
    brief = ("Naval officers of both countries will hold another round of maritime safety talks in late "
             "summer at the harbour command centre, a spokesman for the port authority said on Tuesday.")
    assert len(brief.split()) >= 30
    assert article(page(story=[brief])).text == brief


def test_teasers_around_a_story_do_not_make_it_a_listing() -> None:
    # a story without article markup on a page with many linked headlines in its rails
    teasers = "".join(
        f"<div class='teaser'><h3><a href='/2024/04/{i}/story-{i}/'>Regional news item number {i} "
        "about ports</a></h3></div>"
        for i in range(30)
    )
    story = "".join(f"<p>{p}</p>" for p in STORY)
    html = (
        "<html><head><title>Defense chiefs talk</title></head><body>"
        f"<div class='content'><div class='text'>{story}</div></div><div class='rail'>{teasers}</div>"
        "</body></html>"
    )
    assert article(html).text.split("\n\n") == STORY


REAL_SENTENCES = [
    "Analysts say few officials in Beijing subscribe to the idea that a hotline alone can prevent a clash.",
    "The Pentagon declined to comment on whether the request had been made in writing before the call.",
    "He said allies in the region would continue to support us, the minister told reporters afterwards.",
    "The photo of the two ministers shaking hands was released by Xinhua on Friday afternoon.",
    "Related talks on maritime safety are expected to follow in the spring, the officials added.",
    "By the end of the call, both sides had agreed to hold another round of talks in the autumn.",
    "Share of trade between the two countries has fallen by a third since 2022, customs figures show.",
    "Please read the full readout, the spokesman told reporters, because it answers most of your questions.",
    "Join our allies in condemning the launch, the ambassador urged the council on Monday.",
    "Updated rules for unplanned encounters were first agreed in 2014 and have not been revised since.",
]


@pytest.mark.parametrize("sentence", REAL_SENTENCES)
def test_real_sentences_with_trigger_words_are_kept(sentence: str) -> None:
    assert sentence in article(page(story=[*STORY[:3], sentence, *STORY[3:]])).text.split("\n\n")


@pytest.mark.parametrize(
    "line",
    [
        "Leave a Reply",
        "Your email address will not be published. Required fields are marked *",
        "Notify of",
        "Subscribe to Comments",
        "View all comments",
        "Inline Feedbacks",
        "Want to comment on this article?",
        "Register (it's quick and free) or sign in.",
        "Please read our Comment Policy before commenting.",
        "subscribe Only R20 for your first month. Back independent reporting with a digital package.",
        "Subscribe now",
        "If you enjoyed this article, please support us today!",
        "Join our verified AMN Telegram channel for uncensored breaking news!",
        "Sign up for our daily newsletter to get the top stories every morning.",
        "More stories like this are available on bloomberg.com",
        "Related Articles",
        "Read more: Pentagon welcomes plan for theater commander talks",
        "Image: Bloomberg",
        "Defense Secretary Lloyd Austin | Image by Michael A. McCoy / Pool via Reuters",
        "Defence Minister Wei walks to the meeting room before the talks. Photo Isa Rohany",
        "Austin speaks with Wallace from the Pentagon on Jan. 23, 2021. (Lisa Ferdinando/DoD)",
        "May 24, 2021",
        "21 April 2022 - 08:58 By David Wainer",
        "By Jane Roe",
        "Source: China Military Online Editor: Chen Zhuo 2024-04-16 21:37:10",
        "来源：国防部网 作者：王欣 责任编辑：刘洋 2024-04-05 10:20:00",
        "Advertisement",
    ],
)
def test_boilerplate_lines_are_dropped(line: str) -> None:
    trace: list[Removal] = []
    kept = clean_lines(f"{STORY[0]}\n{line}\n{STORY[1]}", bundled_rules(), trace=trace)
    assert kept == STORY[:2]
    assert len(trace) == 1 and trace[0].stage == "line" and trace[0].rule


def test_repeated_title_and_caption_lines() -> None:
    title = "Defense chiefs hold first call in over a year"
    caption = "China says the war in Ukraine cannot be compared with the Taiwan question at all."
    text = "\n".join([title, caption, caption, STORY[0], caption, STORY[1], f"{title} | Example News"])
    kept = clean_lines(text, bundled_rules(), title=f"{title} - Example News")
    # the title goes wherever it is repeated; a caption printed again keeps only its last (body) copy
    assert kept == [STORY[0], caption, STORY[1]]


def test_category_line_is_dropped() -> None:
    kept = clean_lines(
        f"Featured, National\n{STORY[0]}", bundled_rules(), categories=["Featured", "National"]
    )
    assert kept == [STORY[0]]


# --- charsets ------------------------------------------------------------------------------------

CP1252_STORY = [
    "The minister called the talks \u201cproductive\u201d; the two sides\u2019 staff would meet again.",
    *STORY[1:],
]


def cp1252_page(meta: str = "windows-1252") -> bytes:
    html = page(
        story=CP1252_STORY, head=f'<meta http-equiv="Content-Type" content="text/html; charset={meta}">'
    )
    return html.replace('<meta charset="utf-8">', "").encode("cp1252")


def test_windows_1252_with_a_latin1_header_keeps_curly_quotes() -> None:
    # servers say iso-8859-1 for windows-1252 pages; browsers (and we) read them as windows-1252
    assert article(cp1252_page(), charset="iso-8859-1").text.split("\n\n")[0] == CP1252_STORY[0]


def test_a_header_that_cannot_decode_the_page_yields_to_the_meta_declaration() -> None:
    assert article(cp1252_page(), charset="utf-8").text.split("\n\n")[0] == CP1252_STORY[0]


def test_header_wins_over_meta_when_both_decode() -> None:
    data = "<html><head><meta charset='windows-1252'></head><body><p>café</p></body></html>".encode()
    assert "café" in decode_html(data, "utf-8")[0]
    assert decode_html(data, "utf-8")[1] == "utf-8"
    assert decode_html(data, None)[1] == "cp1252"  # no header: the meta declaration


CHINESE = [
    "中美两军于四月在夏威夷举行海上军事安全磋商机制工作小组会议，双方就海空安全形势交换了意见。",
    "双方就减少海空意外事件、降低误判风险等问题进行了坦诚务实的讨论，同意继续保持沟通。",
    "中方代表要求美方尊重中方主权和安全关切，规范一线兵力行为，避免发生危险的海空相遇。",
    "分析人士认为，此次会议是两国元首会晤以后两军恢复交往的具体举措之一，具有积极意义。",
]


TRADITIONAL = [
    "美國國防部長與中國國防部長在新加坡香格里拉對話期間舉行會談，雙方同意維持兩軍溝通管道。",
    "美方在會中強調兩軍保持聯繫的重要性，並對中國近日在台灣周邊的軍事活動表達關切。",
    "中方則表示台灣問題是中國核心利益中的核心，要求美方停止向台灣出售武器。",
    "分析人士指出，兩軍恢復對話有助於降低海空意外的風險，但雙方的分歧依然明顯。",
]


@pytest.mark.parametrize(
    ("label", "codec", "story", "header"),
    [
        ("gb2312", "gbk", CHINESE, None),  # the page's own declaration, no header
        ("gbk", "gbk", CHINESE, "gbk"),
        ("big5", "big5", TRADITIONAL, "big5"),
    ],
)
def test_chinese_legacy_charsets(label: str, codec: str, story: list[str], header: str | None) -> None:
    html = page(
        story=story,
        title="中美國防會談",
        lang="zh-CN",
        head=f'<meta http-equiv="Content-Type" content="text/html; charset={label}">',
    ).replace('<meta charset="utf-8">', "")
    result = article(html.encode(codec, errors="xmlcharrefreplace"), charset=header)
    assert result.text.split("\n\n") == story
    assert result.language == "zh"


# --- bad input: a value, never a crash -----------------------------------------------------------


def rejected(html: object, reason: str) -> Rejected:
    result = extract_article(html, URL)  # type: ignore[arg-type]
    assert isinstance(result, Rejected), result
    assert reason in result.reason and result.url == URL
    assert not result.reason.startswith("extraction failed")
    return result


@pytest.mark.parametrize("html", [b"", b"  \n\t ", ""])
def test_empty_input(html: bytes | str) -> None:
    rejected(html, "empty page")


@pytest.mark.parametrize(
    "data",
    [b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", bytes(range(256)) * 16],
)
def test_binary_data(data: bytes) -> None:
    rejected(data, "binary")


def test_wrong_type() -> None:
    rejected(12345, "expected bytes or str")


def test_plain_text_is_not_html() -> None:
    rejected(b"just a line of text, no markup", "not HTML")


def test_truncated_html_still_gives_the_article_so_far() -> None:
    html = page()
    cut = html[: html.index(STORY[-1]) + 40]  # the download stopped mid-paragraph, no closing tags
    result = article(cut.encode())
    assert result.text.split("\n\n")[:5] == STORY[:5]


def test_control_characters_are_dropped() -> None:
    noisy = page(story=[s.replace(" the ", " the\x00 \x07", 1).replace(",", ",\x1b") for s in STORY])
    result = article(noisy.encode())
    assert not any(ch in result.text for ch in "\x00\x07\x1b")
    assert "The two defence ministers spoke by video link" in result.text


def test_five_thousand_nested_divs() -> None:
    # libxml2 keeps 255 levels and drops what lies deeper; the wrappers are flattened and the text kept
    html = "<html><body>" + "<div>" * 5000 + "".join(f"<p>{p}</p>" for p in STORY) + "</div>" * 5000
    result = article(html + "</body></html>")
    assert result.text.split("\n\n") == STORY


def test_a_five_megabyte_page() -> None:
    # megabytes of inline data (app state, an inline image) around an ordinary story
    blob = '{"items": [' + ",".join(f'{{"id": {i}, "body": "{"x" * 180}"}}' for i in range(22000)) + "]}"
    image = "A" * 600_000
    html = page(
        head=f'<script type="application/json">{blob}</script>',
        body=f'<img src="data:image/png;base64,{image}">',
    )
    assert len(html) > 5_000_000
    assert article(html.encode()).text.split("\n\n") == STORY


# --- pages that are not articles -----------------------------------------------------------------


def test_error_page() -> None:
    html = page(title="Page not found", story=["Sorry, the page you were looking for does not exist."])
    rejected(html, "error page")


def test_a_story_about_an_error_is_not_an_error_page() -> None:
    result = article(page(title="Pentagon site shows 404 error after readout is pulled"))
    assert result.text.split("\n\n") == STORY


def test_empty_body() -> None:
    rejected("<html><head><title>Nothing</title></head><body><div></div></body></html>", "no main text")


def test_too_short() -> None:
    rejected(page(story=["Officials confirmed the call took place.", "More details later."]), "too short")


def test_index_page() -> None:
    teasers = "".join(
        f'<div class="teaser"><h3><a href="/2024/04/{i}/story-{i}/">Story number {i} about the defence '
        f"talks</a></h3><p>Short summary of item {i}.</p></div>"
        for i in range(12)
    )
    html = f"<html><head><title>World news</title></head><body><main>{teasers}</main></body></html>"
    assert "listing page" in extract_article(html, "https://news.example.com/world/").reason  # type: ignore[union-attr]


# --- dates ---------------------------------------------------------------------------------------


def test_published_prefers_the_page_metadata() -> None:
    head = '<meta property="article:published_time" content="2024-04-16T09:00:00Z">'
    body = "<p>An earlier round of talks took place on March 3, 2023, officials recalled.</p>"
    assert article(page(body, head=head)).published == "2024-04-16T09:00:00+00:00"


def test_published_from_json_ld() -> None:
    head = (
        '<script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":'
        '"NewsArticle","datePublished":"2023-11-16T06:15:00-05:00"}]}</script>'
    )
    assert article(page(head=head)).published == "2023-11-16T06:15:00-05:00"


def test_published_found_by_htmldate_without_metadata() -> None:
    html = page('<p class="date">Posted on November 20, 2023</p>').replace(URL, "")
    result = extract_article(html, "https://news.example.com/2023/11/20/talks/")
    assert isinstance(result, Article) and result.published == "2023-11-20"


def test_membership_appeal_and_inline_teaser_boxes_are_removed() -> None:
    """Found by the generated benchmark site: a block-editor membership appeal and an inline teaser."""
    sentence = "The two defence chiefs spoke by telephone for an hour and agreed to talk again. "
    body = f"<p>{sentence * 5}</p>"
    html = (
        f"<html><body><article><h1>Defence chiefs talk</h1>{body}"
        "<div class='wp-block-group reader-support'><h4>Local news needs you</h4>"
        "<p>Become a member of the Ledger today and help fund reporting across the region.</p></div>"
        f"{body}<p class='read-more-inline'>More from the Ledger <a href='/x'>Port budget vote delayed "
        f"again as the council argues</a></p>{body}</article></body></html>"
    )
    article = extract_article(html, "https://example.test/news/defence-chiefs-talk")
    assert isinstance(article, Article)
    assert "agreed to talk again" in article.text
    for leaked in ("news needs you", "Become a member", "More from the Ledger", "Port budget"):
        assert leaked not in article.text
