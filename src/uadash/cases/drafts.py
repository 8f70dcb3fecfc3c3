"""From a UA's text to a draft a person checks on the New case page: the text read (pasted
or from a file), the reader's draft turned into case fields, and the letter each target
would get. Plain Python; the page only lays it out.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Final

from uadash import letters
from uadash.cases.create import NewCase
from uadash.cases.files import TargetSpec
from uadash.cases.uatext import UaDraft, read_ua
from uadash.store.models import Case, Target
from uadash.vocab import CaseStatus, Outcome, TargetRole

MAX_TEXT_BYTES: Final = 20 * 1024 * 1024  # as for files: a UA is a few pages
DEFAULT_SIGN_OFF: Final = letters.DEFAULT_SIGN_OFF

# The reader names languages in English; a case keeps a code.
LANGUAGE_CODES: Final = {
    "english": "en",
    "spanish": "es",
    "french": "fr",
    "arabic": "ar",
    "chinese": "zh",
    "russian": "ru",
    "portuguese": "pt",
    "german": "de",
    "italian": "it",
    "turkish": "tr",
    "persian": "fa",
    "farsi": "fa",
    "vietnamese": "vi",
    "japanese": "ja",
    "korean": "ko",
    "dutch": "nl",
    "indonesian": "id",
    "thai": "th",
    "urdu": "ur",
    "hindi": "hi",
    "burmese": "my",
    "khmer": "km",
}


class SourceError(ValueError):
    """A text or file that gives no UA to draft from; the message is one line."""


@dataclass(frozen=True)
class Draft:
    """What the page shows: the case fields to check, where each came from, what to look at."""

    case: NewCase
    sources: dict[str, tuple[int, ...]] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    lines: tuple[str, ...] = ()  # the text the line numbers refer to


def source_text(*, pasted: str | None = None, data: bytes | None = None, filename: str = "") -> str:
    """The text to read: pasted, or the text of an uploaded .txt/.html/.pdf/.docx file.

    Raises `SourceError` for an empty text, one over 20 MB, a file with no text (a binary
    file, a PDF with no text layer) and a text that is not an Urgent Action.
    """
    if data is not None:
        from uadash.cases.documents import DocumentError, document_text

        try:
            return document_text(data, filename or "the file")
        except DocumentError as error:
            raise SourceError(str(error)) from None
    text = pasted or ""
    size = len(text.encode("utf-8"))
    if size > MAX_TEXT_BYTES:
        raise SourceError(
            f"the pasted text is {size / 1024 / 1024:.1f} MB, over the 20 MB limit for a UA; "
            "nothing was read"
        )
    if not text.strip():
        raise SourceError("the text is empty: paste a UA's text or upload its file")
    if "\x00" in text:
        raise SourceError("the pasted text holds binary data, not a UA's text")
    from uadash.cases.documents import looks_like_ua

    if not looks_like_ua(text):
        raise SourceError(
            "this is not an Urgent Action: it has no UA number and none of the words a UA "
            "uses, such as 'Urgent Action', 'sample letter' or 'Salutation:'"
        )
    return text


def draft_from_text(text: str) -> Draft:
    """The reader's draft of `text`, as the case fields the page shows."""
    ua = read_ua(text)
    return Draft(
        case=new_case_from(ua, source=text),
        sources=dict(ua.sources),
        warnings=tuple(ua.warnings),
        lines=tuple((ua.text or text).splitlines()),
    )


def new_case_from(ua: UaDraft, *, source: str) -> NewCase:
    """Case fields from what the reader found; what it did not find stays empty."""
    outcome = ua.outcome
    if ua.no_further_action and outcome is None:
        outcome = Outcome.no_further_action
    language = next(
        (LANGUAGE_CODES[name.lower()] for name in ua.languages if name.lower() in LANGUAGE_CODES),
        "en",
    )
    targets = tuple(
        TargetSpec(
            name=target.name or "",
            title=target.title,
            organisation=target.organisation,
            address=target.address,
            email=target.email,
            phone=target.phone,
            fax=target.fax,
            social_handle=target.social_handle,
            salutation=target.salutation,
            role=TargetRole.cc if target.role == "cc" else TargetRole.primary,
        )
        for target in ua.targets
    )
    return NewCase(
        ua_number=ua.ua_number or "",
        update_number=ua.update if ua.update is not None else 0,
        title=ua.title or "",
        country=ua.country or "",
        targets=targets,
        status=CaseStatus.closed if outcome is not None else CaseStatus.active,
        outcome=outcome,
        deadline=ua.deadline,
        deadline_note=ua.deadline_note,
        issued=ua.issued,
        people_at_risk=tuple(
            {"name": name, "native_name": None, "description": None} for name in ua.people
        ),
        summary=ua.summary or "",
        sample_letter=ua.letter,
        sign_off=ua.sign_off or (DEFAULT_SIGN_OFF if ua.letter else None),
        language=language,
        source_text=source,
    )


@dataclass(frozen=True)
class LetterPreview:
    """The letter one target of a draft would get, as the letter page shows it."""

    target: str  # the target's name, with "(CC)" for a copy
    letter: letters.Letter


def preview_letters(case: NewCase, *, on: date) -> list[LetterPreview]:
    """Each target's letter, put together exactly as for a saved case (nothing is stored)."""
    transient = Case(
        ua_number=case.ua_number,
        update_number=case.update_number,
        title=case.title,
        country=case.country,
        people_at_risk=[dict(person) for person in case.people_at_risk],
        sample_letter=case.sample_letter,
        sign_off=case.sign_off,
        language=case.language,
        targets=[
            Target(position=position, **target.column_values())
            for position, target in enumerate(case.targets)
        ],
    )
    previews = []
    for target in transient.targets:
        name = target.name or "(no name)"
        label = f"{name} (CC)" if target.role == TargetRole.cc else name
        previews.append(LetterPreview(label, letters.render_letter(transient, target, on=on)))
    return previews


def with_update(case: NewCase, number: int) -> NewCase:
    return replace(case, update_number=number)
