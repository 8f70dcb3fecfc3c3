"""Letters ready to print: the PDF and the Word file for the seed case, UA 44.22 (update 2),
read back with pypdf and python-docx."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from pypdf import PdfReader

from tests.test_letters import seed_case
from uadash.letters import render_letter
from uadash.letters_print import (
    FALLBACK_FONT,
    MAIN_FONT,
    case_letters,
    letters_docx,
    letters_filename,
    letters_pdf,
)

ON = date(2026, 12, 1)
WRITER = "Ana Pérez Şahin"  # ş: a letter the CJK face lacks and the Latin fallback has
ADDRESS = "1 Rue de la Paix\n75002 Paris"


def squeezed(text: str) -> str:
    # pypdf spaces out the glyphs of a CID font; compare the text without any whitespace.
    return "".join(text.split())


def pdf_pages() -> list[str]:
    case = seed_case()
    data = letters_pdf(case_letters(case, writer_name=WRITER, writer_address=ADDRESS, on=ON))
    return [squeezed(page.extract_text()) for page in PdfReader(io.BytesIO(data)).pages]


def test_seed_case_prints_one_page_per_target_with_every_part() -> None:
    case = seed_case()
    pages = pdf_pages()
    assert len(pages) == len(case.targets) == 3
    for page, target in zip(pages, case.targets, strict=True):
        letter = render_letter(case, target, writer_name=WRITER, writer_address=ADDRESS, on=ON)
        for line in letter.address_block.splitlines():
            assert squeezed(line) in page, (target.name, line)
        assert squeezed(letter.salutation) in page
        assert "黄雪琴" in page and "王建兵" in page and "煽动颠覆国家政权" in page
        assert squeezed("1 December 2026") in page
        assert squeezed(WRITER) in page and squeezed("75002 Paris") in page
        assert page.endswith(squeezed(letter.cc_line) or squeezed(WRITER))
    # Each page is its own target's: Zhang Rui's letter is not addressed to Zhang Jian.
    assert squeezed("Dear Director Zhang Rui,") in pages[0]
    assert squeezed("Dear Chief Procurator Zhang Jian,") not in pages[0]
    # The embassy is copied on the primary targets' letters, and gets its own.
    assert squeezed("CC: Ambassador Xie Fang, Chinese Embassy in the United States") in pages[0]


def test_the_fonts_ship_inside_the_package_and_stay_small() -> None:
    assert MAIN_FONT.is_file() and FALLBACK_FONT.is_file()
    assert MAIN_FONT.stat().st_size < 4_500_000  # the whole CJK face is 16 MB
    assert (MAIN_FONT.parent / "OFL.txt").is_file()
    assert (MAIN_FONT.parent / "DejaVu-LICENSE.txt").is_file()


def test_word_file_has_every_letter_to_edit() -> None:
    case = seed_case()
    data = letters_docx(case_letters(case, writer_name=WRITER, on=ON))
    text = "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
    assert text.count("Yours sincerely,") == 3
    for salutation in ("Dear Director Zhang Rui,", "Dear Chief Procurator Zhang Jian,"):
        assert salutation in text
    assert "煽动颠覆国家政权" in text and WRITER in text
    assert "[YOUR NAME]" not in text


def test_file_names_are_safe() -> None:
    assert letters_filename(seed_case(), "pdf") == "ua-44.22-2-letters.pdf"


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler) is missing")
def test_a_printed_page_renders(tmp_path: Path) -> None:
    case = seed_case()
    pdf = tmp_path / "letters.pdf"
    pdf.write_bytes(letters_pdf(case_letters(case, writer_name=WRITER, on=ON)))
    subprocess.run(
        ["pdftoppm", "-f", "1", "-l", "1", "-r", "60", "-png", str(pdf), str(tmp_path / "p")],
        check=True,
    )
    (image,) = tmp_path.glob("p*.png")
    assert image.read_bytes().startswith(b"\x89PNG")
