"""Letters ready to print: one PDF with a page for each of a case's targets, and the same
letters as one Word file for those who edit before sending.

Each letter is exactly `letters.render_letter`'s, laid out as a letter: the sender's block
top right, the date, the address block, salutation, body, sign-off and CC line. The PDF
embeds the fonts shipped in `uadash/fonts/` (nothing is fetched at run time): a cut of
Noto Sans CJK SC that covers Latin, Greek, Cyrillic and the everyday Chinese characters the
letters quote (黄雪琴, 煽动颠覆国家政权), with a Latin cut of DejaVu Sans for the letters Noto
lacks (Turkish ş, Vietnamese).
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml.ns import qn
from docx.shared import Pt
from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos

from uadash.letters import Letter, _slug, _text, render_letter
from uadash.store.models import Case

FONTS = Path(__file__).resolve().parent / "fonts"
MAIN_FONT = FONTS / "NotoSansSC-Letters.ttf"
FALLBACK_FONT = FONTS / "DejaVuSans-Latin.ttf"
WORD_FONT = "Noto Sans CJK SC"  # named, not embedded: Word substitutes a CJK face if missing


def case_letters(
    case: Case, *, writer_name: str = "", writer_address: str = "", on: date
) -> list[Letter]:
    """The letter for every current target of the case, in the case file's order (CC targets
    too: the embassy gets its copy as a letter of its own; retired targets get none)."""
    return [
        render_letter(case, target, writer_name=writer_name, writer_address=writer_address, on=on)
        for target in case.targets
        if target.retired_at is None
    ]


def letters_pdf(letters: list[Letter], *, title: str = "Letters") -> bytes:
    """One A4 page (or more, for a long letter) per letter."""
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_title(title)
    pdf.set_creator("uadash")
    pdf.set_margins(left=22, top=20, right=22)
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_font("Letters", fname=str(MAIN_FONT))
    pdf.add_font("LettersLatin", fname=str(FALLBACK_FONT))
    pdf.set_fallback_fonts(["LettersLatin"], exact_match=False)
    for letter in letters:
        pdf.add_page()
        pdf.set_font("Letters", size=10.5)
        width = pdf.epw
        line = 5.4
        if letter.sender_block:
            pdf.multi_cell(
                width, line, letter.sender_block, align=Align.R, new_x=XPos.LMARGIN, new_y=YPos.NEXT
            )
            pdf.ln(4)
        pdf.multi_cell(
            width, line, letter.date_line, align=Align.R, new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        pdf.ln(6)
        for part in (letter.address_block, letter.salutation):
            if part:
                pdf.multi_cell(width, line, part, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
                pdf.ln(5)
        for paragraph in letter.body.split("\n\n"):
            if paragraph.strip():
                pdf.multi_cell(
                    width,
                    line,
                    " ".join(paragraph.split()),
                    align=Align.L,
                    new_x=XPos.LMARGIN,
                    new_y=YPos.NEXT,
                )
                pdf.ln(3)
        pdf.ln(2)
        pdf.multi_cell(width, line, letter.sign_off, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if letter.cc_line:
            pdf.ln(8)
            pdf.set_font("Letters", size=9)
            pdf.multi_cell(width, 4.8, letter.cc_line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())


def letters_docx(letters: list[Letter], *, title: str = "Letters") -> bytes:
    """The same letters as a Word file, one per page, as plain paragraphs to edit."""
    document = Document()
    document.core_properties.title = title
    style = document.styles["Normal"]
    style.font.name = WORD_FONT
    style.font.size = Pt(10.5)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), WORD_FONT)
    for index, letter in enumerate(letters):
        if index:
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        if letter.sender_block:
            _lines(document, letter.sender_block).alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _lines(document, letter.date_line).alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _lines(document, letter.address_block)
        _lines(document, letter.salutation)
        for paragraph in letter.body.split("\n\n"):
            if paragraph.strip():
                document.add_paragraph(" ".join(paragraph.split()))
        _lines(document, letter.sign_off)
        if letter.cc_line:
            _lines(document, letter.cc_line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _lines(document: Any, text: str) -> Any:
    """A paragraph whose lines are kept as line breaks (an address block stays one block)."""
    paragraph = document.add_paragraph()
    for index, line in enumerate(text.split("\n")):
        run = paragraph.add_run(line)
        if index < len(text.split("\n")) - 1:
            run.add_break()
    return paragraph


def letters_filename(case: Case, extension: str) -> str:
    """`ua-44.22-2-letters.pdf`."""
    number = _slug(_text(case.ua_number), keep=".") or "case"
    return f"ua-{number}-{case.update_number or 0}-letters.{extension}"
