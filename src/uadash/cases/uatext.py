"""Read an Urgent Action's text into a case draft: `read_ua(text) -> UaDraft`.

Plain Python (no Streamlit, no database). The reader never invents: a field the text does
not give stays empty and a warning says so; an obfuscated email ("[email protected]") is
unknown. Every field it fills records the 1-based line numbers of `UaDraft.text` it came
from, in `UaDraft.sources`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from uadash.vocab import Outcome

__all__ = ["DraftTarget", "UaDraft", "read_ua"]

JSON_KEYS = (
    "ua_number",
    "update",
    "title",
    "country",
    "people",
    "deadline",
    "no_end_date",
    "no_further_action",
    "outcome",
    "languages",
    "targets",
    "letter",
    "letter_salutations",
    "issued",
    "warnings",
)
TARGET_JSON_KEYS = (
    "name",
    "title",
    "organisation",
    "address",
    "salutation",
    "email",
    "phone",
    "fax",
    "social_handle",
    "role",
)


@dataclass
class DraftTarget:
    """One addressee of the UA: a primary target, or a copy ("cc": copies, embassies)."""

    name: str | None = None
    title: str | None = None
    organisation: str | None = None
    address: str | None = None  # postal lines joined by "\n"
    salutation: str | None = None
    email: str | None = None
    phone: str | None = None
    fax: str | None = None
    social_handle: str | None = None  # "@one @two" as written
    role: str = "primary"  # "primary" | "cc"
    lines: tuple[int, ...] = ()  # the text's lines the block came from

    def to_json(self) -> dict[str, Any]:
        return {key: getattr(self, key) for key in TARGET_JSON_KEYS}


@dataclass
class UaDraft:
    """What the text says about a case; empty where it says nothing."""

    ua_number: str | None = None  # "44.22"
    update: int | None = None  # 0 a new UA, 1 first update / further information, … None unknown
    title: str | None = None
    country: str | None = None
    people: list[str] = field(default_factory=list)
    deadline: date | None = None
    deadline_note: str | None = None  # "This action has no end date." and the like, as written
    no_end_date: bool = False
    no_further_action: bool = False
    outcome: Outcome | None = None
    languages: list[str] = field(default_factory=list)  # English names: "English", "Chinese"
    issued: date | None = None
    summary: str | None = None
    targets: list[DraftTarget] = field(default_factory=list)
    letter: str | None = None  # the sample letter's body: no salutation, no sign-off
    letter_salutations: list[str] = field(default_factory=list)
    sign_off: str | None = None
    warnings: list[str] = field(default_factory=list)
    sources: dict[str, tuple[int, ...]] = field(default_factory=dict)
    text: str = ""  # the normalised text the line numbers refer to

    def to_json(self) -> dict[str, Any]:
        """The `uadash parse-ua --json` object: exactly the keys of JSON_KEYS."""
        return {
            "ua_number": self.ua_number,
            "update": self.update,
            "title": self.title,
            "country": self.country,
            "people": list(self.people),
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "no_end_date": self.no_end_date,
            "no_further_action": self.no_further_action,
            "outcome": self.outcome.value if self.outcome else None,
            "languages": list(self.languages),
            "targets": [target.to_json() for target in self.targets],
            "letter": self.letter,
            "letter_salutations": list(self.letter_salutations),
            "issued": self.issued.isoformat() if self.issued else None,
            "warnings": list(self.warnings),
        }


def read_ua(text: str) -> UaDraft:
    """The draft a careful reader takes from a UA's text (work in progress)."""
    return UaDraft(text=text)
