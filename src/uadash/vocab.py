"""The closed vocabularies of the domain: statuses, outcomes, channels, roles, sources.

A leaf module (it imports nothing of ours) so the store, the domain and the pages share it.
The order of `Channel` members is the order used on every chart and table.
"""

from __future__ import annotations

import enum
import unicodedata


class CaseStatus(enum.StrEnum):
    draft = "draft"
    active = "active"
    paused = "paused"
    closed = "closed"


class Outcome(enum.StrEnum):
    released = "released"
    charges_dropped = "charges_dropped"
    sentence_reduced = "sentence_reduced"
    no_further_action = "no_further_action"
    other = "other"


class Channel(enum.StrEnum):
    letter = "letter"
    email = "email"
    call = "call"
    tweet = "tweet"
    fax = "fax"


class TargetRole(enum.StrEnum):
    primary = "primary"
    cc = "cc"


class Role(enum.StrEnum):
    """What a person may do; each role may do everything the roles before it may."""

    viewer = "viewer"  # reads
    editor = "editor"  # also changes cases and imports reports
    admin = "admin"  # also manages people

    @property
    def rank(self) -> int:
        return list(Role).index(self)


class ReportSource(enum.StrEnum):
    """Where an action report came from."""

    form = "form"  # export of the web form "let us know the actions you took"
    osdi = "osdi"  # OSDI outreach records from an advocacy platform
    file = "file"  # any other import file
    staff = "staff"  # entered by staff from a phone call or a letter
    demo = "demo"  # generated demo data (`uadash demo-actions`)


CHANNEL_SYNONYMS: dict[str, Channel] = {
    "letter": Channel.letter,
    "letters": Channel.letter,
    "post": Channel.letter,
    "postal": Channel.letter,
    "postal mail": Channel.letter,
    "postal_mail": Channel.letter,
    "mail": Channel.letter,
    "snail mail": Channel.letter,
    "email": Channel.email,
    "e-mail": Channel.email,
    "emails": Channel.email,
    "call": Channel.call,
    "calls": Channel.call,
    "phone": Channel.call,
    "phone call": Channel.call,
    "telephone": Channel.call,
    "tweet": Channel.tweet,
    "tweets": Channel.tweet,
    "twitter": Channel.tweet,
    "x": Channel.tweet,
    "x.com": Channel.tweet,
    "fax": Channel.fax,
    "facsimile": Channel.fax,
}


def parse_channel(text: str) -> Channel | None:
    """The channel a free-text value names (`"Phone"` -> call, `"X"` -> tweet), or None."""
    key = unicodedata.normalize("NFKC", text).strip().lower()
    return CHANNEL_SYNONYMS.get(key)


STATUS_LABELS: dict[CaseStatus, str] = {
    CaseStatus.draft: "Draft",
    CaseStatus.active: "Active",
    CaseStatus.paused: "Paused",
    CaseStatus.closed: "Closed",
}

OUTCOME_LABELS: dict[Outcome, str] = {
    Outcome.released: "Released",
    Outcome.charges_dropped: "Charges dropped",
    Outcome.sentence_reduced: "Sentence reduced",
    Outcome.no_further_action: "No further action",
    Outcome.other: "Other",
}
