"""The event record a story becomes, and the vocabulary of its kinds.

Kept apart from the reading and the vote so the store, the tracker and the pages can use the record
(and its JSON form) without the sentence patterns. Pure: no IO.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

KINDS = (
    "call",
    "video-call",
    "meeting",
    "talks",
    "hotline",
    "refused",
    "unanswered",
    "suspended",
    "restored",
)
CONTACTS = frozenset({"call", "video-call", "meeting", "talks", "hotline"})
BREAKDOWNS = {"refused": "unanswered", "unanswered": "unanswered", "suspended": "suspended"}
KIND_NAMES = {
    "call": "call",
    "video-call": "video call",
    "meeting": "meeting",
    "talks": "talks round",
    "hotline": "hotline use",
    "refused": "request refused",
    "unanswered": "request unanswered",
    "suspended": "channel suspended",
    "restored": "channel restored or agreed",
}
# Phrases of each kind, on lower-cased text (hyphens as spaces) and on Chinese characters.


@dataclass(frozen=True, slots=True)
class Support:
    """The sentence that gave a field its value, and the article it is in."""

    field: str  # "date", "kind", "channel", "us", "cn"
    value: str
    sentence: str
    url: str


@dataclass(frozen=True, slots=True)
class Event:
    """What a story reports happened: the contact's date, kind, channels and each side's participants."""

    story_id: str
    date: str | None  # ISO date of the contact (not of publication)
    kind: str | None  # one of KINDS
    channels: tuple[str, ...]
    us: tuple[str, ...]
    cn: tuple[str, ...]
    support: tuple[Support, ...] = ()
    approximate: bool = False  # the date is an estimate ("this week", "in recent days")
    first_reported: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["support"] = [asdict(s) for s in self.support]
        return data

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Event:
        """Inverse of ``to_dict``; ValueError on a record of another shape."""
        try:
            support = tuple(Support(**s) for s in raw.get("support", ()))
            return cls(
                story_id=str(raw["story_id"]),
                date=raw.get("date"),
                kind=raw.get("kind"),
                channels=tuple(raw.get("channels", ())),
                us=tuple(raw.get("us", ())),
                cn=tuple(raw.get("cn", ())),
                support=support,
                approximate=bool(raw.get("approximate", False)),
                first_reported=raw.get("first_reported"),
            )
        except (KeyError, TypeError) as exc:
            raise ValueError(f"event record: {exc}") from None


def channel_state(kind: str | None) -> str | None:
    """The state an event of this kind puts its channel in: active, unanswered, suspended (or None)."""
    if kind in CONTACTS or kind == "restored":
        return "active"
    return BREAKDOWNS.get(kind or "")
