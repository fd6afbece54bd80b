"""Event records: the contact's date (not the publication's), kind, channels and participants, with
the sentence behind each; and the corpus figures bench.events prints."""

from __future__ import annotations

from datetime import date

import pytest

from bench.events import evaluate
from crawler.core.channels import bundled_topic_raw, gloss_terms, load_channels
from crawler.core.eventdates import dates_in, reference_day
from crawler.core.events import Event, derive_event, event_model
from crawler.core.records import Article

MODEL = event_model(bundled_topic_raw())


def article(title: str, text: str, published: str, url: str = "https://wire.example/a") -> Article:
    return Article(url=url, canonical_url=url, title=title, text=text, published=published)


@pytest.mark.parametrize(
    ("sentence", "ref", "expected"),
    [
        ("The two men spoke on Wednesday.", date(2022, 4, 21), date(2022, 4, 20)),  # a day after
        ("They spoke on Thursday.", date(2022, 4, 21), date(2022, 4, 21)),  # the same day
        ("The round was held Nov. 6-8 in the port city.", date(2024, 11, 9), date(2024, 11, 8)),
        ("Talks ran from Tuesday to Thursday.", date(2025, 11, 21), date(2025, 11, 20)),
        ("The ministers met yesterday.", date(2024, 3, 1), date(2024, 2, 29)),
        ("The call took place on 30 December.", date(2025, 1, 2), date(2024, 12, 30)),  # last year
        ("4月3日至4日，会议在夏威夷举行。", date(2024, 4, 6), date(2024, 4, 4)),
        ("国防部长31日在吉隆坡会见美方。", date(2025, 11, 1), date(2025, 10, 31)),  # last month
        ("双方十月三十一日举行会谈。", date(2025, 11, 1), date(2025, 10, 31)),
        ("They last spoke by phone last Thursday.", date(2026, 5, 18), date(2026, 5, 14)),  # a Monday
        ("The chiefs spoke last Thursday.", date(2026, 5, 15), date(2026, 5, 7)),  # a Friday: not yesterday
        ("双方上周四通电话。", date(2026, 5, 13), date(2026, 5, 7)),  # the week before, even mid-week
        ("双方周二通电话。", date(2026, 5, 13), date(2026, 5, 12)),
        ("Calls have gone unreturned in recent days.", date(2026, 5, 13), date(2026, 5, 11)),  # days: two
        ("Officers met from July 14 to 16 in Honolulu.", date(2026, 7, 24), date(2026, 7, 16)),  # last day
        ("The round ran from June 30 to July 2.", date(2026, 7, 10), date(2026, 7, 2)),
        ("The chiefs met last week in Beijing.", date(2026, 10, 13), date(2026, 10, 7)),  # its middle
        ("新华社北京6月11日电 美国东部时间6月10日晚，两国防长通话。", date(2026, 6, 11), date(2026, 6, 10)),
        ("国防部新闻局26日消息，会晤昨天在华盛顿举行。", date(2026, 8, 26), date(2026, 8, 25)),
    ],
)
def test_dates_are_read_relative_to_publication(sentence: str, ref: date, expected: date) -> None:
    found = dates_in(sentence, ref)
    assert found and found[-1].day == expected, found


def test_a_chinese_report_marks_its_own_day_as_when_it_was_said() -> None:
    """Chinese puts the verb after the day: the spokesman's 周四 is when it was said, 周二 the talks."""
    found = dates_in("国防部新闻发言人周四表示，工作小组会议周二在青岛举行。", date(2026, 10, 15))
    assert [(f.day.isoformat(), f.reporting) for f in found] == [("2026-10-15", True), ("2026-10-13", False)]


def test_a_reported_date_is_marked_as_when_it_was_said() -> None:
    found = dates_in(
        "The Pentagon said on Tuesday that the request was refused on Saturday.", date(2023, 2, 7)
    )
    assert [(f.day.isoformat(), f.reporting) for f in found] == [("2023-02-07", True), ("2023-02-04", False)]


def test_the_dateline_city_sets_the_local_day() -> None:
    # 01:30 UTC on the 21st is still the evening of the 20th in Washington
    assert reference_day("2022-04-21T01:30:00+00:00", "WASHINGTON — Officials said...") == date(2022, 4, 20)
    assert reference_day("2022-04-21T01:30:00+00:00", "Officials said...") == date(2022, 4, 21)
    assert reference_day("not a date") is None


def test_a_report_of_a_call_dates_the_call_and_names_both_sides() -> None:
    story = [
        article(
            "Harbor chiefs of the two navies? No: defense chiefs hold a video call",
            "Defense Secretary Lloyd Austin held a video call on Tuesday with Chinese Defense Minister "
            "Dong Jun, the Pentagon said.\n\nThe call lasted about an hour.",
            "2024-04-17T07:00:00+00:00",
        ),
        article(
            "董军与美国国防部长视频通话",
            "4月16日晚，国防部长董军应约与美国国防部长奥斯汀视频通话。",
            "2024-04-17T08:00:00+08:00",
            url="https://mnd.example/b",
        ),
    ]
    event = derive_event("story-1", story, MODEL)
    assert (event.date, event.kind, event.channels) == ("2024-04-16", "video-call", ("defense-chiefs",))
    assert "Austin" in event.us and "Dong Jun" in event.cn
    fields = {s.field for s in event.support}
    assert {"date", "kind", "channel", "us", "cn"} <= fields
    date_support = next(s for s in event.support if s.field == "date")
    assert "Tuesday" in date_support.sentence or "4月16日" in date_support.sentence
    assert Event.from_dict(event.to_dict()) == event


def test_a_refusal_without_its_day_is_dated_when_first_reported() -> None:
    """A refusal is an announcement: "this week" in a report on Wednesday dates it on the Wednesday,
    where a contact "this week" is estimated the day before; both are marked approximate."""
    refusal = article(
        "Beijing turns down a meeting of defense chiefs",
        "China turned down a U.S. request for its defense minister to meet the Secretary of Defense at a "
        "regional forum this week, an official said.",
        "2026-05-13",
    )
    event = derive_event("r", [refusal], MODEL)
    assert (event.kind, event.date, event.approximate) == ("refused", "2026-05-13", True)
    contact = article(
        "Defense chiefs hold a video call",
        "The Secretary of Defense and China's defense minister held a video call this week, officials said.",
        "2026-05-13",
    )
    event = derive_event("c", [contact], MODEL)
    assert (event.kind, event.date, event.approximate) == ("video-call", "2026-05-12", True)


def test_a_refused_request_is_a_refusal_not_a_meeting() -> None:
    event = derive_event(
        "story-2",
        [
            article(
                "Beijing turns down a meeting of defence chiefs",
                "China declined a request for the defence secretary to meet the Chinese defense minister "
                "at the forum, U.S. officials said on Monday.",
                "2024-11-20",
            )
        ],
        MODEL,
    )
    assert event.kind == "refused" and event.channels == ("defense-chiefs",)
    assert event.date == "2024-11-18"  # when it was said: the text gives nothing better


def test_an_article_without_dates_or_terms_still_gives_a_record() -> None:
    event = derive_event("story-3", [article("", "", "2024-01-01")], MODEL)
    assert event.kind is None and event.channels == () and event.date == "2024-01-01" and event.approximate
    assert derive_event("story-4", [article("t", "x", None)], MODEL).date is None  # type: ignore[arg-type]


def test_channels_are_data_and_bad_ones_are_named() -> None:
    channels = load_channels(bundled_topic_raw())
    assert [c.id for c in channels] == [
        "defense-chiefs",
        "top-officers",
        "theater-commanders",
        "mmca",
        "policy-talks",
        "telephone-link",
        "leaders",
    ]
    extra = {"channels": [{"id": "coast-guards", "name": "Coast guards", "terms": ["coast guard hotline"]}]}
    assert load_channels(extra)[0].terms == ("coast guard hotline",)
    with pytest.raises(ValueError, match=r"channels\[0\]\.id"):
        load_channels({"channels": [{"id": "Bad Id", "terms": ["x"]}]})
    with pytest.raises(ValueError, match=r"channels\[0\]\.colour"):
        load_channels({"channels": [{"id": "x", "terms": ["x"], "colour": "red"}]})
    with pytest.raises(ValueError, match="needs 'terms'"):
        load_channels({"channels": [{"id": "x", "us": ["a"]}]})


def test_a_user_channel_places_stories_without_python() -> None:
    topic = {**bundled_topic_raw(), "channels": [{"id": "coast-guards", "terms": ["coast guard talks"]}]}
    model = event_model(topic)
    text = "Officers of both countries held coast guard talks in Qingdao on Friday."
    event = derive_event("s", [article("Coast guard talks held", text, "2025-05-03")], model)
    assert event.channels == ("coast-guards",) and event.date == "2025-05-02"


def test_the_gloss_names_what_the_topic_knows() -> None:
    gloss = gloss_terms(bundled_topic_raw())
    assert gloss["董军"] == "Dong Jun" and gloss["视频通话"] == "video call"


def test_corpus_event_fields_are_right_for_95_percent_of_stories() -> None:
    figures = evaluate()
    assert figures["kind"] >= 0.95 and figures["channel"] >= 0.95
    assert figures["date_stated"] >= 0.95 and figures["date"] >= 0.9
    assert figures["tracker_stated"] == 1.0
