"""When a reported contact happened, read from a sentence: "on Wednesday", "yesterday", "April 20", "4月20日".

A report published on the 21st about a call on the 20th is dated the 20th: weekdays and relative days
count back from the article's local publication date (its own UTC offset, or the dateline city's), and
a date that "the Pentagon said on Monday" is when it was reported, used only when nothing better is
said. A range ("Nov. 6-8", "from Tuesday to Thursday") is dated by its last day. Pure: no IO.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta, timezone

from crawler.core.dates import is_date_only, parse_stated

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sept", "sep"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
ZH_WEEKDAYS = "一二三四五六日"
# Dateline cities and their UTC offsets in hours (standard time): a Washington report published at
# 01:00 UTC on the 21st is still the 20th where "on Wednesday" was written.
DATELINES = {
    "washington": -5,
    "honolulu": -10,
    "beijing": 8,
    "singapore": 8,
    "kuala lumpur": 8,
    "siem reap": 7,
    "phnom penh": 7,
    "vientiane": 7,
    "tokyo": 9,
    "manila": 8,
    "taipei": 8,
    "北京": 8,
    "新加坡": 8,
    "吉隆坡": 8,
    "华盛顿": -5,
}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_DAY = "|".join(WEEKDAYS)
_REPORTING = re.compile(
    r"(?:said|says|told\s+[\w.]+(?:\s+[\w.]+)?|announced|reported|confirmed|stated|disclosed|statement)"
    r"(?:\s+late|\s+early)?\s+(?:on\s+)?$",
    re.I,
)
# Chinese puts the verb after the day: "发言人周四表示", a dateline's "北京6月11日电", "26日消息".
_ZH_REPORTING = re.compile(
    r"^\s*(?:上午|下午|晚间?)?\s*(?:电|消息|表示|称|说|宣布|介绍|透露|证实|发布|答记者问)"
)
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "mdy",
        re.compile(
            rf"\b({_MONTH})\.?\s+(\d{{1,2}})"
            rf"(?:\s*(?:[-–]|to|through|until|and)\s*(?:({_MONTH})\.?\s+)?(\d{{1,2}})\b)?(?:,?\s+(\d{{4}}))?\b",
            re.I,
        ),
    ),
    ("dmy", re.compile(rf"\b(\d{{1,2}})(?:\s*[-–]\s*(\d{{1,2}}))?\s+({_MONTH})\b(?:\s+(\d{{4}}))?", re.I)),
    ("range", re.compile(rf"\b(?:on|from)\s+(?:{_DAY})\s+(?:and|to|through|until)\s+({_DAY})\b", re.I)),
    ("last_weekday", re.compile(rf"\b(?:last|this past)\s+({_DAY})\b", re.I)),
    ("weekday", re.compile(rf"\b({_DAY})\b", re.I)),
    ("relative", re.compile(r"\b(yesterday|today|over the weekend|this weekend)\b", re.I)),
    (
        "vague",
        re.compile(r"\b(this week|last week|in recent days|in the past few days|recently|days ago)\b", re.I),
    ),
    ("zh_ymd", re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")),
    ("zh_md", re.compile(r"(?<![\d年])(\d{1,2})月(\d{1,2})日(?:(?:至|到|—|-)(?:\d{1,2}月)?(\d{1,2})日)?")),
    ("zh_d", re.compile(r"(?<![\d月])(\d{1,2})日(?:(?:至|到)(\d{1,2})日)?")),
    ("zh_last_week", re.compile(r"上(?:周|星期|个星期)([一二三四五六日天])")),
    ("zh_week", re.compile(r"(?:周|星期)([一二三四五六日天])")),
    ("zh_relative", re.compile(r"(昨天|昨日|今天|今日)")),
)
# A sentence without any of these gives no date: most sentences are skipped at the cost of one search.
_MAYBE = re.compile(r"\d|day\b|week|recent|ago\b|[一二三四五六七八九十][月日]|周|星期|昨|今", re.I)
_ZH_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")}
_ZH_NUMBER = re.compile(r"([一二三四五六七八九十]{1,3})(?=[月日])")


@dataclass(frozen=True, slots=True)
class DateFound:
    """A date a sentence gives for what it reports; ``reporting``: when it was said, not done."""

    day: date
    phrase: str
    reporting: bool = False
    approximate: bool = False


def reference_day(published: str | None, text: str = "") -> date | None:
    """The local calendar day an article was published on: its own offset, or its dateline city's."""
    moment = parse_stated(published)
    if moment is None or published is None:
        return None
    if is_date_only(published):
        return moment.date()
    offset = dateline_offset(text)
    if offset is not None:
        moment = moment.astimezone(timezone(timedelta(hours=offset)))
    return moment.date()


def dateline_offset(text: str) -> int | None:
    """The UTC offset of the dateline city an article opens with ("WASHINGTON —"), if known."""
    head = text.lstrip()[:40]
    match = re.match(r"([A-Z][A-Z .]+?)(?:,[^—–-]*)?\s*[—–-]{1,2}\s", head)
    if match:
        return DATELINES.get(match.group(1).strip().lower())
    match = re.match(r"新华社(\S{2,4}?)\d", head)
    return DATELINES.get(match.group(1)) if match else None


def zh_numerals(sentence: str) -> str:
    """Chinese numerals before 月/日 as digits (十月三十一日 → 10月31日), for the date patterns."""

    def convert(match: re.Match[str]) -> str:
        text = match.group(1)
        if "十" not in text:
            return str(_ZH_DIGITS.get(text, 0)) if len(text) == 1 else match.group(0)
        tens, _, ones = text.partition("十")
        return str((_ZH_DIGITS.get(tens, 1) if tens else 1) * 10 + (_ZH_DIGITS.get(ones, 0) if ones else 0))

    return _ZH_NUMBER.sub(convert, sentence)


def _before(ref: date, weekday: int) -> date:
    """The latest day on or before ``ref`` that falls on ``weekday`` (0 = Monday)."""
    return ref - timedelta(days=(ref.weekday() - weekday) % 7)


def _month_day(ref: date, month: int, day: int, year: int | None = None) -> date | None:
    """A month and day without a year: the latest such day not more than a day after ``ref``."""
    try:
        found = date(year or ref.year, month, day)
    except ValueError:
        return None
    if year is None and found > ref + timedelta(days=1):
        try:
            found = date(ref.year - 1, month, day)
        except ValueError:
            return None
    return found


def _day_of_month(ref: date, day: int) -> date | None:
    """A bare day of the month (董军31日…): this month's, or last month's when it is still ahead."""
    candidate = ref.replace(day=1)
    for _ in range(2):
        try:
            found = candidate.replace(day=day)
        except ValueError:
            found = None
        if found is not None and found <= ref + timedelta(days=1):
            return found
        candidate = (candidate - timedelta(days=1)).replace(day=1)
    return None


def _resolve(kind: str, match: re.Match[str], ref: date) -> tuple[date | None, bool]:
    """The day a matched phrase stands for, and whether it is only approximate."""
    g = match.groups()
    if kind == "mdy":  # "July 14 to 16", "June 30 to July 2": the range's last day
        month = MONTHS[(g[2] or g[0]).lower()]
        return _month_day(ref, month, int(g[3] or g[1]), int(g[4]) if g[4] else None), False
    if kind == "dmy":
        return _month_day(ref, MONTHS[g[2].lower()], int(g[1] or g[0]), int(g[3]) if g[3] else None), False
    if kind in ("range", "weekday"):
        return _before(ref, WEEKDAYS.index(g[0].lower())), False
    if kind == "last_weekday":  # "last Thursday": never today, and yesterday would be "yesterday"
        return _before(ref - timedelta(days=2), WEEKDAYS.index(g[0].lower())), False
    if kind == "relative":
        word = g[0].lower()
        if word == "yesterday":
            return ref - timedelta(days=1), False
        if word == "today":
            return ref, False
        return _before(ref - timedelta(days=1), 6), False  # the weekend just past: its Sunday
    if kind == "vague":  # "this week", "recently": most likely the day before; several days: two back
        word = g[0].lower()
        if word == "last week":  # the middle of the calendar week before
            return ref - timedelta(days=ref.weekday() + 5), True
        plural = word in ("in recent days", "in the past few days", "days ago")
        return ref - timedelta(days=2 if plural else 1), True
    if kind == "zh_ymd":
        return _month_day(ref, int(g[1]), int(g[2]), int(g[0])), False
    if kind == "zh_md":
        return _month_day(ref, int(g[0]), int(g[2] or g[1])), False
    if kind == "zh_d":
        return _day_of_month(ref, int(g[1] or g[0])), False
    if kind == "zh_last_week":  # 上周四: Thursday of the calendar week before the reference day's
        monday = ref - timedelta(days=ref.weekday() + 7)
        return monday + timedelta(days=6 if g[0] in "日天" else ZH_WEEKDAYS.index(g[0])), False
    if kind == "zh_week":
        return _before(ref, 6 if g[0] in "日天" else ZH_WEEKDAYS.index(g[0])), False
    if kind == "zh_relative":
        return (ref - timedelta(days=1)) if g[0].startswith("昨") else ref, False
    return None, False


def dates_in(sentence: str, ref: date) -> list[DateFound]:
    """Every date the sentence gives, in reading order; each span is read by its most precise pattern."""
    if not _MAYBE.search(sentence):
        return []
    text = zh_numerals(sentence)
    taken: list[tuple[int, int]] = []
    found: list[tuple[int, DateFound]] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(start < stop and end > begin for begin, stop in taken):
                continue
            day, approximate = _resolve(kind, match, ref)
            if day is None:
                continue
            taken.append((start, end))
            before, after = text[max(0, start - 40) : start], text[end : end + 8]
            reporting = bool(_REPORTING.search(before) or _ZH_REPORTING.match(after))
            found.append((start, DateFound(day, match.group(0).strip(), reporting, approximate)))
    return [item for _, item in sorted(found, key=lambda pair: pair[0])]
