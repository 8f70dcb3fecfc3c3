"""The text of an uploaded UA document: `document_text(data, filename) -> str`.

- `.txt` (and anything without a known suffix that decodes as text): UTF-8 (with or without
  a byte-order mark), UTF-16 with a byte-order mark, else Windows-1252 (old IS texts);
- `.html` / `.htm`: beautifulsoup4 with Python's own parser; scripts, styles and page chrome
  dropped, block elements (p, div, li, tr, h1-h6, br) become line breaks;
- `.pdf`: pypdf, the text layer page by page (pages separated by a form feed, which the
  reader drops). pypdf is pure Python, small and quick to import, and has no native parts;
  pdfminer.six lays text out a little better but is several times slower to start, and the
  reader needs lines, not layout;
- `.docx`: python-docx, paragraphs and table cells in document order.

The libraries are imported when a file of their kind arrives, so the command starts fast.
`DocumentError` says in one line why a file cannot be read: empty, too big, binary, a PDF
with no text layer, or not an Urgent Action at all.
"""

from __future__ import annotations

import io
import re
from pathlib import PurePath

__all__ = ["MAX_BYTES", "MAX_CHARS", "DocumentError", "document_text", "looks_like_ua"]

MAX_BYTES = 20 * 1024 * 1024  # 20 MB: a UA is a few pages; anything bigger is refused
MAX_CHARS = 1_000_000  # a UA's text is some 10,000 characters; a million is no UA


class DocumentError(ValueError):
    """A file that gives no UA text; the message is one line naming the file."""


_UA_MARKERS = re.compile(
    r"\burgent action\b|\bUA\s*:?\s*\d{1,3}\s*[/.\-]\s*\d{2}|\bEXTRA\s+\d{1,3}/\d{2}|"
    r"\bFI\s*:?\s*\d{1,3}/\d{2}|\bfurther information on\b|\bsample letter\b|"
    r"\bsalutation\s*:|\bsend appeals\b|\brecommended action\b|\bbriefvorschlag\b|"
    r"\bappelle? an\b|\bwrite to\s*:|\baction urgente\b|\bacci[oó]n urgente\b|"
    r"\benvoyez vos appels\b|\bformule d['’]appel\s*:",
    re.I,
)


def looks_like_ua(text: str) -> bool:
    """Whether a text has a UA number or any of the words every UA format uses."""
    return bool(_UA_MARKERS.search(text))


def document_text(data: bytes, filename: str) -> str:
    """The text of a .txt, .html, .pdf or .docx file; DocumentError if it has none to read."""
    name = PurePath(filename).name or "the file"
    if len(data) > MAX_BYTES:
        raise DocumentError(
            f"{name}: {len(data) / 1024 / 1024:.1f} MB is over the {MAX_BYTES // 1024 // 1024} MB "
            "limit for a UA document; nothing was read"
        )
    if not data.strip():
        raise DocumentError(f"{name}: the file is empty")
    suffix = PurePath(filename).suffix.lower()
    if suffix == ".pdf" or data.startswith(b"%PDF-"):
        text = _pdf_text(data, name)
    elif suffix == ".docx" or (data.startswith(b"PK\x03\x04") and b"word/" in data[:4000]):
        text = _docx_text(data, name)
    elif suffix in (".html", ".htm", ".xhtml") or re.match(
        rb"\s*(?:<!doctype html|<html)", data[:500], re.I
    ):
        text = _html_text(_decode(data, name))
    else:
        text = _decode(data, name)
    if not text.strip():
        raise DocumentError(f"{name}: the file holds no text")
    if len(text) > MAX_CHARS:
        raise DocumentError(
            f"{name}: {len(text):,} characters of text is far more than a UA holds "
            f"(the limit is {MAX_CHARS:,}); nothing was read"
        )
    if not looks_like_ua(text):
        raise DocumentError(
            f"{name}: not an Urgent Action (no UA number and none of the words a UA uses, "
            "such as 'Urgent Action', 'sample letter' or 'Salutation:')"
        )
    return text


def _decode(data: bytes, name: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in data[:4096] or _binary(data[:4096]):
        raise DocumentError(f"{name}: a binary file, not text, HTML, PDF or Word")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _binary(head: bytes) -> bool:
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    return controls > max(2, len(head) // 50)


_BLOCKS = (
    "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article",
    "header", "footer", "blockquote", "pre", "table", "ul", "ol", "dt", "dd", "address", "hr",
)  # fmt: skip


def _html_text(html: str) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    # The page's <title> repeats the heading with the site's name: the body's <h1> is kept.
    drop = ["head", "script", "style", "noscript", "template", "svg", "nav", "form", "iframe"]
    for tag in soup(drop):
        tag.decompose()
    # a cookie or consent banner (pages saved from a browser): the site's, not the UA's words
    banner = re.compile(r"cookie|consent|gdpr", re.I)
    for tag in [*soup.find_all(id=banner), *soup.find_all(class_=banner)]:
        tag.decompose()
    for br in soup.find_all("br"):
        br.replace_with("\n")
    for tag in soup.find_all(_BLOCKS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    for cell in soup.find_all(["td", "th"]):
        cell.insert_after(" ")
    text = soup.get_text()
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _pdf_text(data: bytes, name: str) -> str:
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    # pypdf logs what it repairs ("EOF marker not found"); the one-line refusal below says it
    logging.getLogger("pypdf").setLevel(logging.CRITICAL)

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            reader.decrypt("")
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as error:
        raise DocumentError(f"{name}: not a readable PDF ({error})") from None
    text = "\f".join(pages)
    if not text.strip():
        raise DocumentError(
            f"{name}: the PDF has no text layer (a scan?); paste the text or run OCR first"
        )
    return text


def _docx_text(data: bytes, name: str) -> str:
    import zipfile

    from docx import Document

    try:
        document = Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as error:
        raise DocumentError(f"{name}: not a readable Word (.docx) file ({error})") from None
    parts: list[str] = []
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            parts.append(_paragraph_text(block))
        elif tag == "tbl":
            for row in block.iter():
                if row.tag.endswith("}tr"):
                    for cell in row.iterchildren():
                        if cell.tag.endswith("}tc"):
                            parts.extend(_paragraph_text(p) for p in cell.iter() if _is(p, "p"))
                            parts.append("")
    return "\n".join(parts)


def _is(node: object, tag: str) -> bool:
    return str(getattr(node, "tag", "")).endswith("}" + tag)


def _paragraph_text(paragraph: object) -> str:
    """A Word paragraph's text, a line break (w:br) kept as a line break."""
    out: list[str] = []
    for node in paragraph.iter():  # type: ignore[attr-defined]
        if _is(node, "t"):
            out.append(node.text or "")
        elif _is(node, "br") or _is(node, "cr"):
            out.append("\n")
        elif _is(node, "tab"):
            out.append(" ")
    return "".join(out)
