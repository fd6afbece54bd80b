"""Site profiles: the pure model, the cold-start rules, the store's profile (SQLite; PostgreSQL in
test_profiles_crawl.py), and extraction taking the profile as data."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.core.extract import explain_article, extract_article
from crawler.core.extract.generic import call_to_action, strip_generic, widget_line
from crawler.core.extract.profile import (
    MIN_PAGES,
    PageSample,
    Seen,
    SiteProfile,
    block_key,
    is_chrome,
    page_sample,
    site_host,
    strip_site,
)
from crawler.core.records import Article
from crawler.store import Store

PROMO = "The Harbour Ledger morning note reaches inboxes every weekday at six."  # no imperative
BACKGROUND = (
    "The two militaries set up a defence telephone link in 2008, but it has rarely been used in a crisis."
)


def story(n: int) -> list[str]:
    return [f"Story {n} opens with its own first paragraph about talks number {n} and the navy.", PROMO]


# --- the model ------------------------------------------------------------------------------------


def test_a_block_on_most_pages_is_chrome_a_shared_sentence_is_not() -> None:
    assert is_chrome(Seen(9, 1, 12), 12)
    assert not is_chrome(Seen(2, 5, 6), 6)  # two stories share a background line
    assert not is_chrome(Seen(3, 4, 6), 6)  # three in a row: still not enough pages
    assert not is_chrome(Seen(MIN_PAGES, 1, 40), 40)  # four of forty pages
    assert is_chrome(Seen(MIN_PAGES, 1, 4), 4)
    assert not is_chrome(Seen(5, 1, 6), 6, words=60)  # a long block must be on nearly every page, of many


def test_keys_ignore_case_quotes_and_spaces() -> None:
    assert block_key("Sign up  for ‘The Note’.") == block_key("sign up for 'the note'")
    assert block_key("Sign up for the note") != block_key("Sign up for the notes")
    assert site_host("https://www.Example.org:8443/a/b") == "example.org"


def profile_of(samples: list[PageSample], host: str = "ledger.example") -> SiteProfile:
    counts: dict[str, Seen] = {}
    titles: dict[str, str] = {}
    for page, sample in enumerate(samples, 1):
        for key, text in sample.blocks:
            old = counts.get(key)
            counts[key] = Seen((old.count if old else 0) + 1, old.first if old else page, page, text)
        if sample.title:
            titles[sample.title[0]] = sample.title[1]
    return SiteProfile(host, len(samples), counts, titles)


def test_strip_site_takes_whole_repeated_blocks_and_runs_of_other_titles() -> None:
    samples = [page_sample(story(n), f"Title number {n} of the ledger") for n in range(6)]
    profile = profile_of(samples)
    text = [
        "A new story about a hotline call between the two defence ministers, said officials.",
        PROMO,
        f"Officials added that {PROMO}",  # inside a paragraph: never matched
        "Title number 2 of the ledger",
        "Title number 3 of the ledger",
        "Title number 4 of the ledger",
    ]
    kept, removed = strip_site(text, "A new story", profile)
    assert kept == text[:1] + text[2:3]
    assert removed[0].rule == "site: seen on 6 of 6 pages of ledger.example"
    assert "title of another page" in removed[1].rule
    lone = strip_site([text[0], "Title number 2 of the ledger", text[0] + " More."], "x", profile)[0]
    assert len(lone) == 3  # one title alone (a "see also" line) stays


def test_a_quotation_is_never_site_chrome() -> None:
    quote = '"We will follow our channel for the readout and report it," the spokesman said on Monday.'
    profile = profile_of([page_sample([quote], f"t{n}") for n in range(8)])
    assert strip_site([quote], "t9", profile)[0] == [quote]


# --- cold start ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "Subscribe to our newsletter",
        "Sign up for the Pacific Desk briefing in your inbox",
        "► Join our Telegram channel for breaking updates",
        "Download the app",
        "Support our independent reporting with a donation today",
    ],
)
def test_calls_to_action_go_whatever_their_words(line: str) -> None:
    assert call_to_action(line)


@pytest.mark.parametrize(
    "line",
    [
        "The ministry did not respond to a request for comment.",
        "Analysts who subscribe to that reading say the call changed little.",
        '"Follow our channel for the readout," the spokesman told reporters.',
        "The navy launched a weekly newsletter for sailors' families in March, its first in print.",
        "Support for the hotline proposal grew in Congress after the app was released.",
    ],
)
def test_body_sentences_that_look_like_promos_stay(line: str) -> None:
    assert not call_to_action(line)


def test_widget_lines_and_headline_lists() -> None:
    assert widget_line("| | |") and widget_line("A- A A+") and widget_line("Text size: A A A")
    assert not widget_line("A US carrier crossed the strait")
    body = [
        "Defence officials from both navies met in Qingdao to discuss maritime safety rules at sea.",
        "Farmers fear early frost in valley orchards",
        "Local choir wins regional singing award",
        "City council approves new parking plan",
        "The talks ended without a joint statement, but both sides agreed to meet again in autumn.",
    ]
    links = {line.casefold() for line in body[1:4]}
    kept, removed = strip_generic(body, "Navies meet in Qingdao", lambda: links)
    assert kept == [body[0], body[4]] and {r.group for r in removed} == {"related"}
    assert strip_generic(body, "Navies meet in Qingdao", lambda: set())[0] == body  # not links: kept


# --- the store ------------------------------------------------------------------------------------


def test_store_counts_pages_incrementally_and_reports_what_it_learned(tmp_path: Path) -> None:
    with Store(f"sqlite:///{tmp_path / 'p.db'}") as store:
        assert store.profiles.get("ledger.example") is None
        lessons = [
            store.profiles.add("ledger.example", page_sample(story(n), f"T {n} x y")) for n in range(6)
        ]
        assert [sorted(kinds.values()) for kinds in lessons][:3] == [["title"]] * 3
        assert "block" in lessons[3].values()  # the fourth page made the promo chrome
        assert "block" not in lessons[4].values()  # learned once
        profile = store.profiles.get("ledger.example")
        assert profile is not None and profile.pages == 6 and len(profile.titles) == 6
        assert block_key(PROMO) in profile.blocks and len(profile.blocks) == 1
        [summary] = store.profiles.summaries()
        assert summary.pages == 6 and summary.blocks[0][1:] == (6, 6) and summary.learned is not None


def test_the_profile_stays_bounded(tmp_path: Path) -> None:
    from crawler.core.extract.profile import MAX_TITLES, WINDOW

    with Store(f"sqlite:///{tmp_path / 'p.db'}") as store:
        for n in range(WINDOW + 200):
            store.profiles.add(
                "big.example", page_sample([f"paragraph {n} {i}" for i in range(5)] + [PROMO], f"T{n}")
            )
        assert store.profiles.size("big.example") <= (WINDOW + 50) * 6 + MAX_TITLES


# --- extraction takes it as data -----------------------------------------------------------------


def page(title: str, paragraphs: list[str]) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    head = f"<html><head><title>{title}</title></head>"
    return f"{head}<body><article><h1>{title}</h1>{body}</article></body></html>"


def test_extraction_uses_the_profile_and_explains_it() -> None:
    body = [
        "Defence officials from both navies met in Qingdao on Tuesday to discuss rules for encounters.",
        "The talks, the first at this level in a year, ended without a joint statement from either side.",
        "Both delegations agreed to meet again before the end of the year, officials said afterwards.",
        BACKGROUND,
    ]
    html = page("Navies meet in Qingdao", [*body, PROMO])
    url = "https://ledger.example/2026/navies"
    profile = profile_of(
        [page_sample(story(n), f"t {n}") for n in range(9)] + [page_sample([BACKGROUND], "b")]
    )
    plain = extract_article(html, url)
    assert isinstance(plain, Article) and PROMO in plain.text
    result, trace = explain_article(html, url, profile=profile)
    assert isinstance(result, Article) and PROMO not in result.text and BACKGROUND in result.text
    assert any(r.rule == "site: seen on 9 of 10 pages of ledger.example" for r in trace)


def test_the_profile_never_costs_the_article() -> None:
    body = [
        f"Paragraph {n} of a short report on the maritime talks between both navies in spring."
        for n in range(3)
    ]
    profile = profile_of([page_sample(body, f"t{n}") for n in range(8)])  # the site "repeats" the story
    result, trace = explain_article(page("Short report", body), "https://ledger.example/x", profile=profile)
    assert isinstance(result, Article) and all(p in result.text for p in body)
    assert any(r.group == "guard" for r in trace)


# --- the per-source switch ------------------------------------------------------------------------


def test_a_source_can_turn_profiles_off(tmp_path: Path) -> None:
    from crawler.config import ConfigError, load_config

    base = 'bundled_sources = false\n[[sources]]\nname = "s"\nkind = "feed"\nurl = "https://e.org/f"\n'
    config = tmp_path / "c.toml"
    config.write_text(base, encoding="utf-8")
    assert load_config(config).source("s").profile is True
    config.write_text(base + "profile = false\n", encoding="utf-8")
    assert load_config(config).source("s").profile is False
    config.write_text(base + 'profile = "no"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="key 'profile' must be true or false"):
        load_config(config)


# --- listing pages --------------------------------------------------------------------------------

TEASER = (
    '<div class="t"><h2><a href="/a/{n}.html">Navy talks round {n} ends with a statement</a></h2>'
    '<p class="date">2026-10-{n:02d}</p><p>Officers from both navies met again this week to discuss '
    'rules for encounters at sea, the {n}th round of the talks this year, and agreed…</p>'
    '<p><a href="/a/{n}.html">Read more</a></p></div>'
)


def test_an_archive_page_is_not_an_article_whatever_its_markup() -> None:
    teasers = "".join(TEASER.format(n=n) for n in range(1, 9))
    html = (
        '<html><head><title>Archive</title><meta property="og:type" content="article"></head>'
        f"<body><article><h1>Archive: October</h1>{teasers}</article></body></html>"
    )
    result = extract_article(html, "https://ledger.example/archive/2026-10")
    assert not isinstance(result, Article) and "listing page" in result.reason


def test_a_story_with_many_links_is_an_article() -> None:
    paragraphs = "".join(
        f"<p>Paragraph {n} of the report cites <a href='/doc/{n}'>a ministry statement</a> and "
        f"<a href='/ref/{n}'>an earlier story</a> about the defence telephone link between both capitals, "
        "which officials say has rarely been used during a crisis at sea.</p>"
        for n in range(8)
    )
    related = "".join(f"<li><a href='/a/{n}'>Read more</a></li>" for n in range(5))
    html = (
        "<html><head><title>Hotline report</title></head><body><article><h1>Hotline report</h1>"
        f"{paragraphs}<ul>{related}</ul></article></body></html>"
    )
    assert isinstance(extract_article(html, "https://ledger.example/2026/hotline-report"), Article)
