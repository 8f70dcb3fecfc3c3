"""The UA-text reader (uadash.cases.uatext), document text (uadash.cases.documents) and
`uadash parse-ua`: every sample's expected fields, the seed against its hand-made case file,
each format the reader is built for (tests/data/ua/), and the inputs it must refuse."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import unicodedata
from datetime import date
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from uadash.cases.documents import MAX_BYTES, DocumentError, document_text
from uadash.cases.uatext import JSON_KEYS, TARGET_JSON_KEYS, UaDraft, read_ua

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT.parent / "shared" / "samples" / "ua"
CORPUS = SAMPLES / "corpus"
SEED = SAMPLES / "ua-44-22-china-second-update.txt"
SEED_CASE = ROOT / "data" / "cases" / "ua-44.22-2-china.yaml"
FIXTURES = ROOT / "tests" / "data" / "ua"


def _expected(folder: Path) -> list[tuple[Path, dict]]:
    if not (folder / "expected.yaml").exists():
        return []
    table = yaml.safe_load((folder / "expected.yaml").read_text(encoding="utf-8"))
    return [(folder / name, fields) for name, fields in sorted(table.items())]


CASES = _expected(CORPUS) + _expected(FIXTURES)


def _read(path: Path) -> UaDraft:
    return read_ua(document_text(path.read_bytes(), path.name))


def _plain(text: str | None) -> str:
    return unicodedata.normalize("NFC", text or "").replace("’", "'")


@pytest.mark.parametrize(("path", "want"), CASES, ids=[p.name for p, _ in CASES])
def test_every_sample_gives_its_expected_fields(path: Path, want: dict) -> None:
    if not path.exists():
        pytest.skip(f"{path} is not here")
    got = _read(path)
    assert got.ua_number == want["ua_number"]
    assert (got.update or 0) == (want["update"] or 0)
    assert got.country == want["country"]
    assert _plain(got.title) == _plain(want["title"])
    assert got.people == want["people"]
    assert (str(got.deadline) if got.deadline else None) == want["deadline"]
    assert got.no_end_date == want["no_end_date"]
    assert got.no_further_action == want["no_further_action"]
    assert (got.outcome.value if got.outcome else None) == want["outcome"]
    assert got.languages == want["languages"]
    primary = [t for t in got.targets if t.role == "primary"]
    copies = [t for t in got.targets if t.role == "cc"]
    assert [t.name for t in primary] == [t["name"] for t in want["targets"]]
    assert len(copies) == len(want["cc"])
    for target, expected in zip(primary + copies, want["targets"] + want["cc"], strict=True):
        for key in ("title", "salutation", "email", "fax"):
            value = expected.get(key)
            if key in expected and not (value and "protected" in value):
                assert getattr(target, key) == value, (target.name, key)
    for target, expected in zip(copies, want["cc"], strict=True):
        assert target.name == expected["name"] or not expected.get("name")
    assert bool(got.letter) == want["has_sample_letter"]
    assert got.letter_salutations == want["letter_salutations"]


def test_the_seed_gives_exactly_the_hand_made_case() -> None:
    case = yaml.safe_load(SEED_CASE.read_text(encoding="utf-8"))
    got = _read(SEED)
    assert got.ua_number == case["ua_number"]
    assert got.update == case["update"]
    assert got.title is not None and got.title.lower() == case["title"].lower()
    assert got.country == case["country"]
    assert got.deadline == case["deadline"]
    assert got.deadline_note == case["deadline_note"]
    assert got.no_end_date
    assert got.issued is None and case["issued"] is None
    assert got.summary == case["summary"]
    assert got.people == [p["name"] for p in case["people_at_risk"]]
    assert got.letter == case["sample_letter"]
    assert got.sign_off == case["sign_off"]
    fields = ("name", "title", "organisation", "address", "salutation", "email", "role")
    assert [{k: getattr(t, k) for k in fields} for t in got.targets] == [
        {k: target.get(k) for k in fields} for target in case["targets"]
    ]
    assert any("hidden" in w and "Xie Fang" in w for w in got.warnings)


def test_fields_point_at_the_lines_they_came_from() -> None:
    got = _read(SEED)
    lines = got.text.split("\n")
    assert "44.22" in lines[got.sources["ua_number"][0] - 1]
    assert "March 18, 2025" in lines[got.sources["deadline"][0] - 1]
    assert "no end date" in lines[got.sources["no_end_date"][0] - 1]
    first_target = [lines[n - 1] for n in got.sources["targets.0"]]
    assert "Zhang Rui" in first_target and "People’s Republic of China" in first_target
    assert lines[got.sources["letter"][0] - 1].startswith("I am writing")


@pytest.mark.parametrize(
    ("text", "number", "update"),
    [
        ("UA: China Second 44.22\nShare:", "44.22", 2),
        ("Urgent Action\nUA 44/22 Fear of torture", "44.22", 0),
        ("Take action on UA 44-22 today", "44.22", None),
        ("Fourth Urgent Action 48.22", "48.22", 4),
        ("THIRD UA 60/16", "60.16", 3),
        ("FI 103/22-4 Iran: academic at risk", "103.22", 4),
        ("Further information on UA 110/07 (ASA 33/015/2007)", "110.07", 1),
        ("EXTRA 19/92          Fear of torture", "19.92", 0),
        ("Urgent Action Update: Release (Viet Nam: UA 155.18)", "155.18", 1),
        ("This is the second update of UA 235/17.", "235.17", 2),
        ("UA-Nr: UA-045/2024 AI-Index: AMR 41/7788/2024", "45.24", None),
        ("Nothing to see here", None, None),
    ],
)
def test_ua_numbers_and_updates_from_the_words(
    text: str, number: str | None, update: int | None
) -> None:
    got = read_ua(text)
    assert got.ua_number == number
    assert got.update == update
    if number is None:
        assert any("no UA number" in w for w in got.warnings)


@pytest.mark.parametrize(
    "path",
    [
        SEED,
        CORPUS / "06_aiuk-china-zhen-jianghua-third-update-ua235-17.txt",
        CORPUS / "24_ai-honduras-copinh-attack-third-ua60-16-template.txt",
        CORPUS / "29_aiusa-bahrain-al-khawaja-fasting-ua100-22.txt",
    ],
    ids=lambda p: p.name[:12],
)
def test_a_page_flattened_onto_one_line_reads_like_the_page(path: Path) -> None:
    """Reposts often lose every line break: the same UA, the same people and targets."""
    page = _read(path)
    flat = read_ua(" ".join(path.read_text(encoding="utf-8").split()))
    assert flat.ua_number == page.ua_number and flat.country == page.country
    assert flat.deadline == page.deadline and flat.people == page.people
    assert [t.role for t in flat.targets] == [t.role for t in page.targets]
    for mine, theirs in zip(flat.targets, page.targets, strict=True):
        assert _tokens(theirs.name) <= _tokens(mine.name) or _tokens(mine.name) <= _tokens(
            theirs.name
        )
    assert bool(flat.letter) == bool(page.letter)
    assert flat.letter_salutations == page.letter_salutations


def _tokens(name: str | None) -> set[str]:
    return set(_plain(name).lower().replace("-", " ").split())


def test_an_obfuscated_email_is_unknown_and_warned_about() -> None:
    got = _read(FIXTURES / "aiusa-2024-fourth-no-end-date.txt")
    embassy = got.targets[1]
    assert embassy.name == "David Kipkemboi Kerich" and embassy.email is None
    assert any("hidden" in w and "David Kipkemboi Kerich" in w for w in got.warnings)
    director = got.targets[0]
    assert director.email is None  # "Email (via contact form): URL" is no email
    assert any("contact form" in w for w in got.warnings)
    assert "[email" not in json.dumps(got.to_json()["targets"])


def test_what_the_text_lacks_stays_empty_and_says_so() -> None:
    got = _read(CORPUS / "29_aiusa-bahrain-al-khawaja-fasting-ua100-22.txt")
    assert got.title is None and got.update is None and got.deadline is None
    warnings = " | ".join(got.warnings)
    for missing in ("no title", "update number not stated", "no deadline"):
        assert missing in warnings


def test_to_json_has_exactly_the_issue_keys() -> None:
    data = _read(SEED).to_json()
    assert tuple(data) == JSON_KEYS
    assert set(JSON_KEYS) == {
        "ua_number", "update", "title", "country", "people", "deadline", "no_end_date",
        "no_further_action", "outcome", "languages", "targets", "letter",
        "letter_salutations", "issued", "warnings",
    }  # fmt: skip
    assert all(tuple(t) == TARGET_JSON_KEYS for t in data["targets"])
    assert data["deadline"] == "2025-03-18" and data["targets"][2]["role"] == "cc"
    json.dumps(data)  # plain JSON types only


# --- documents: the formats and the inputs refused ------------------------------------------


def _pdf_with_text(lines: list[str]) -> bytes:
    """A minimal one-page PDF with a text layer (Helvetica), written by hand."""
    body = "BT /F1 11 Tf 14 TL 50 780 Td " + " ".join(
        "(" + line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ") Tj T*"
        for line in lines
    )
    stream = body + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 842] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for n, obj in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(f"{n} 0 obj\n{obj}\nendobj\n".encode("latin-1"))
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\n".encode())
    out.write(f"startxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def test_a_pdf_text_layer_is_read() -> None:
    seed_lines = [line for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()]
    latin = [line for line in seed_lines[:30] if all(ord(c) < 256 for c in line)]
    got = read_ua(document_text(_pdf_with_text(latin), "ua.pdf"))
    assert got.ua_number == "44.22" and got.update == 2
    assert got.deadline == date(2025, 3, 18)


def test_a_pdf_without_a_text_layer_is_refused() -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=612, height=842)
    scan = io.BytesIO()
    writer.write(scan)
    with pytest.raises(DocumentError, match="no text layer"):
        document_text(scan.getvalue(), "scan.pdf")


def test_a_word_file_is_read() -> None:
    from docx import Document

    document = Document()
    for line in SEED.read_text(encoding="utf-8").splitlines():
        if line.strip():
            document.add_paragraph(line)
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Attorney General\nJane Roe"
    table.cell(0, 1).text = "Minister of Justice\nJohn Doe"
    data = io.BytesIO()
    document.save(data)
    text = document_text(data.getvalue(), "ua.docx")
    assert "Jane Roe" in text and "John Doe" in text
    got = read_ua(text)
    assert got.ua_number == "44.22"
    assert [t.name for t in got.targets][:2] == ["Zhang Rui", "Zhang Jian"]
    assert got.letter_salutations == [
        "Dear Director Zhang Rui,",
        "Dear Chief Procurator Zhang Jian,",
    ]


def test_an_html_page_is_read_without_its_chrome() -> None:
    path = FIXTURES / "aiusa-2021-page.html"
    text = document_text(path.read_bytes(), path.name)
    assert "dataLayer" not in text and "color:red" not in text and "Donate" not in text
    assert "Palacio de la Revolución\nLa Habana, Cuba" in text  # <br> became a line break


@pytest.mark.parametrize(
    ("data", "name"),
    [
        ("UA 44/22 Salutation: Señor Presidente".encode("cp1252"), "old.txt"),
        ("UA 44/22 Salutation: Señor Presidente".encode("utf-16"), "windows.txt"),
        ("\ufeffUA 44/22 Salutation: Señor Presidente".encode(), "bom.txt"),
    ],
    ids=["windows-1252", "utf-16", "utf-8 with BOM"],
)
def test_text_files_in_their_encodings(data: bytes, name: str) -> None:
    assert document_text(data, name) == "UA 44/22 Salutation: Señor Presidente"


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "empty.txt", "empty"),
        (b"  \n\n ", "blank.txt", "empty"),
        (bytes(range(256)) * 40, "photo.txt", "binary"),
        (b"Minutes of the board meeting. Present: all. Budget approved.", "minutes.txt",
         "not an Urgent Action"),
        (b"%PDF-1.4 nonsense", "broken.pdf", "not a readable PDF"),
        (b"PK\x03\x04 not really a zip", "broken.docx", "not a readable Word"),
    ],
    ids=["empty", "blank", "binary", "not a UA", "broken PDF", "broken Word"],
)  # fmt: skip
def test_files_that_are_not_ua_text_are_refused_in_one_line(
    data: bytes, name: str, message: str
) -> None:
    with pytest.raises(DocumentError, match=message) as refused:
        document_text(data, name)
    assert "\n" not in str(refused.value) and name in str(refused.value)


def test_a_file_over_20_mb_is_refused() -> None:
    big = b"UA 44/22 " + b"x" * MAX_BYTES
    with pytest.raises(DocumentError, match="over the 20 MB limit"):
        document_text(big, "huge.txt")


def test_a_ua_without_a_number_is_read_with_a_warning() -> None:
    text = SEED.read_text(encoding="utf-8").replace("44.22", "").replace("UA:", "UA")
    got = read_ua(document_text(text.encode(), "no-number.txt"))
    assert got.ua_number is None
    assert any("no UA number" in w for w in got.warnings)
    assert [t.name for t in got.targets] == ["Zhang Rui", "Zhang Jian", "Xie Fang"]


# --- the command ----------------------------------------------------------------------------


def _uadash(*args: str, env_db: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, UADASH_DATABASE_URL=f"sqlite:///{env_db}")
    return subprocess.run(
        [sys.executable, "-m", "uadash.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_parse_ua_json_prints_one_object_and_opens_no_database(tmp_path: Path) -> None:
    db = tmp_path / "never.db"
    run = _uadash("parse-ua", str(SEED), "--json", env_db=db)
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert tuple(data) == JSON_KEYS
    assert data["ua_number"] == "44.22" and data["update"] == 2
    assert [t["name"] for t in data["targets"]] == ["Zhang Rui", "Zhang Jian", "Xie Fang"]
    assert not db.exists()


def test_parse_ua_without_json_prints_a_readable_summary(tmp_path: Path) -> None:
    html = FIXTURES / "aiusa-2021-page.html"
    run = _uadash("parse-ua", str(html), env_db=tmp_path / "never.db")
    assert run.returncode == 0, run.stderr
    assert "UA number:         92.21" in run.stdout
    assert "Miguel Díaz-Canel Bermúdez" in run.stdout and "Warnings" in run.stdout
    assert not (tmp_path / "never.db").exists()


@pytest.mark.parametrize("what", ["missing", "binary", "empty", "not a UA", "broken PDF"])
def test_parse_ua_refuses_a_bad_file_in_one_line(tmp_path: Path, what: str) -> None:
    path = tmp_path / ("input.pdf" if what == "broken PDF" else "input.txt")
    if what == "broken PDF":
        path.write_bytes(b"%PDF-1.4 nonsense")
    elif what == "binary":
        path.write_bytes(bytes(range(256)) * 10)
    elif what == "empty":
        path.write_bytes(b"")
    elif what == "not a UA":
        path.write_text("Shopping list: eggs, milk, bread.", encoding="utf-8")
    run = _uadash("parse-ua", str(path), "--json", env_db=tmp_path / "never.db")
    assert run.returncode == 1
    assert run.stdout == ""
    assert run.stderr.count("\n") == 1 and run.stderr.startswith("uadash: ")
    assert "Traceback" not in run.stderr


def test_a_text_far_longer_than_a_ua_is_refused() -> None:
    long_text = ("UA 44/22 " + "word " * 250_000).encode()
    assert len(long_text) < MAX_BYTES
    with pytest.raises(DocumentError, match="far more than a UA holds"):
        document_text(long_text, "long.txt")


_PIECES = [
    "UA 44/22", "Salutation: Dear Minister", "Email: [email protected]", "CC:", "sample letter:",
    "Dear President,", "Yours sincerely,", "PLEASE SEND APPEALS BEFORE 18 OCTOBER 2018 TO:",
    "Ambassador Xie Fang", "No. 5 Road,", "People’s Republic of China", "\n", "\n\n", " / ",
    "MEXICO:   ", "Further information on", "Fax: +1 2", "Twitter: @x", "(", ")", "Write to:",
    "activist Wang Jianbing was", "This action has no end date.", "And copy:", ",", "     ",
]  # fmt: skip


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(_PIECES), st.text(max_size=12)), max_size=40))
def test_the_reader_reads_any_text_without_failing(pieces: list[str]) -> None:
    got = read_ua("".join(pieces))
    data = got.to_json()
    assert tuple(data) == JSON_KEYS
    json.dumps(data)
    lines = got.text.split("\n")
    for numbers in got.sources.values():
        assert all(1 <= n <= len(lines) for n in numbers)
