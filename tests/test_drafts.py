"""From a text or a file to a draft for the New case page: bad inputs are one-line messages;
the seed's draft holds the seed case's fields; each target's letter is previewed."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfWriter

from tests.conftest import SEED_SAMPLE
from uadash.cases import drafts
from uadash.cases.drafts import SourceError
from uadash.vocab import CaseStatus, TargetRole


def blank_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("source", "words"),
    [
        ({"pasted": ""}, "the text is empty"),
        ({"pasted": "   \n  "}, "the text is empty"),
        ({"pasted": "Shopping list: eggs, milk"}, "not an Urgent Action"),
        ({"pasted": "a" * (20 * 1024 * 1024 + 1)}, "over the 20 MB limit"),
        ({"data": blank_pdf(), "filename": "scan.pdf"}, "scan.pdf"),
        ({"data": bytes(range(256)) * 64, "filename": "photo.jpg"}, "photo.jpg"),
        ({"data": b"", "filename": "empty.txt"}, "empty"),
    ],
)
def test_bad_sources_are_refused_in_one_line(source: dict[str, object], words: str) -> None:
    with pytest.raises(SourceError) as refused:
        drafts.source_text(**source)  # type: ignore[arg-type]
    message = str(refused.value)
    assert words in message and "\n" not in message


def test_the_seed_text_drafts_the_seed_case_and_previews_a_letter_per_target() -> None:
    text = drafts.source_text(pasted=SEED_SAMPLE.read_text(encoding="utf-8"))
    draft = drafts.draft_from_text(text)
    case = draft.case
    assert (case.ua_number, case.update_number, case.country) == ("44.22", 2, "China")
    assert case.status is CaseStatus.active and case.deadline == date(2025, 3, 18)
    assert [t.role for t in case.targets] == [TargetRole.primary, TargetRole.primary, TargetRole.cc]
    assert draft.sources["ua_number"][0] == 3
    previews = drafts.preview_letters(case, on=date(2026, 11, 24))
    assert [p.target for p in previews] == ["Zhang Rui", "Zhang Jian", "Xie Fang (CC)"]
    assert "Dear Director Zhang Rui," in previews[0].letter.text
    assert "CC: Ambassador Xie Fang" in previews[0].letter.text
