"""Case files: the seed case and the demo cases load as written, bad files are refused with
file, line and field and write nothing, and loading again changes only what the file changed."""

from __future__ import annotations

import textwrap
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import selectinload

from tests.conftest import CASES_DIR, SEED_SAMPLE
from uadash.cases.files import (
    CaseFileError,
    LoadReport,
    Problem,
    case_files,
    load_case_files,
    read_case_file,
)
from uadash.store.engine import transaction
from uadash.store.models import ActionReport, AuditEvent, Case, Target
from uadash.vocab import CaseStatus, Channel, Outcome, ReportSource, TargetRole

TODAY = date(2026, 3, 2)
SEED_FILE = CASES_DIR / "ua-44.22-2-china.yaml"
DEMO_FILES = [path for path in case_files(CASES_DIR) if path != SEED_FILE]


def load(engine: Engine, *paths: Path, today: date = TODAY) -> LoadReport:
    return load_case_files(engine, paths, actor="tester", today=today)


def stored_case(engine: Engine, ua_number: str, update: int = 0) -> Case:
    with transaction(engine) as session:
        query = (
            select(Case)
            .where(Case.ua_number == ua_number, Case.update_number == update)
            .options(selectinload(Case.targets))
        )
        return session.scalars(query).one()


def count(engine: Engine, model: type[Case] | type[Target] | type[AuditEvent]) -> int:
    with transaction(engine) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


# --- the seed case -------------------------------------------------------------------------


def seed_letter_paragraphs() -> list[str]:
    """The sample letter's body paragraphs, as the action page gives them."""
    if not SEED_SAMPLE.is_file():
        pytest.skip(f"{SEED_SAMPLE} is not here")
    page = SEED_SAMPLE.read_text(encoding="utf-8")
    letter = page.split("Dear Director Zhang Rui, / Chief Procurator Zhang Jian,", 1)[1]
    body = letter.split("Yours sincerely,", 1)[0]
    return [paragraph.rstrip() for paragraph in body.split("\n\n") if paragraph.strip()]


def test_seed_case_loads_as_the_action_page_gives_it(engine: Engine) -> None:
    report = load(engine, SEED_FILE)

    assert report.created == ["UA 44.22 (update 2)"]
    case = stored_case(engine, "44.22", 2)
    assert case.title == "Two activists faced unjust conviction"
    assert case.country == "China"
    assert case.status is CaseStatus.active
    assert case.outcome is None
    assert case.deadline == date(2025, 3, 18)
    assert case.deadline_note == "This action has no end date."
    assert case.issued is None
    assert case.is_demo is False
    assert case.language == "en"
    assert [person["name"] for person in case.people_at_risk] == [
        "Sophia Huang Xueqin",
        "Wang Jianbing",
    ]
    assert [person["native_name"] for person in case.people_at_risk] == ["黄雪琴", "王建兵"]
    assert "metoo" in case.tags
    assert case.summary.startswith("#MeToo activist, Sophia Huang Xueqin, and labor activist")
    assert case.source_file == str(SEED_FILE)
    assert len(case.source_hash or "") == 64

    rui, jian, embassy = case.targets
    assert (rui.name, rui.title, rui.organisation, rui.role, rui.salutation) == (
        "Zhang Rui",
        "Director of Guangzhou Public Security Bureau",
        "Guangzhou Public Security Bureau",
        TargetRole.primary,
        "Dear Director Zhang Rui,",
    )
    assert (rui.address or "").splitlines() == [
        "No. 200, Qiyi Road,",
        "Guangzhou, Guangdong Sheng, 510030",
        "People’s Republic of China",
    ]
    assert (jian.name, jian.title, jian.organisation, jian.role, jian.salutation) == (
        "Zhang Jian",
        "Chief Procurator",
        "Guangzhou City People’s Procuratorate",
        TargetRole.primary,
        "Dear Chief Procurator Zhang Jian,",
    )
    assert (jian.address or "").splitlines() == [
        "No. 66, Huangpu Dadao Xi,",
        "Guangzhou, Guangdong Sheng, 510600",
        "People’s Republic of China",
    ]
    assert (embassy.name, embassy.title, embassy.organisation, embassy.role) == (
        "Xie Fang",
        "Ambassador",
        "Chinese Embassy in the United States",
        TargetRole.cc,
    )
    assert (embassy.address or "").splitlines() == [
        "3505 International Place, NW,",
        "Washington DC 20008",
    ]
    assert embassy.email is None
    assert embassy.salutation is None
    assert "[email protected]" in (embassy.note or "")
    assert [target.position for target in case.targets] == [0, 1, 2]


def test_seed_letter_is_the_pages_body_verbatim(engine: Engine) -> None:
    paragraphs = seed_letter_paragraphs()
    load(engine, SEED_FILE)

    case = stored_case(engine, "44.22", 2)
    assert len(paragraphs) == 3
    assert case.sample_letter == "\n\n".join(paragraphs)
    assert "Wang Jiangbing (王建兵)" in (case.sample_letter or "")
    assert case.sign_off == "Yours sincerely,\n\n[YOUR NAME]"
    assert case.source_text == SEED_SAMPLE.read_text(encoding="utf-8")


# --- the demo cases ------------------------------------------------------------------------


def test_every_demo_file_loads_and_together_they_cover_every_status(engine: Engine) -> None:
    report = load(engine, *DEMO_FILES)

    assert len(report.created) == len(DEMO_FILES) >= 5
    with transaction(engine) as session:
        cases = session.scalars(select(Case).options(selectinload(Case.targets))).all()
    assert all(case.is_demo for case in cases)
    assert {case.status for case in cases} == set(CaseStatus)
    assert {Outcome.released, Outcome.charges_dropped} <= {case.outcome for case in cases}
    assert all(case.sign_off and "[YOUR NAME]" in case.sign_off for case in cases)
    assert any(
        target.role is TargetRole.cc and target.email for case in cases for target in case.targets
    )
    assert {len(case.targets) for case in cases} >= {1, 2, 4}


def test_demo_dates_are_relative_to_the_day_of_loading() -> None:
    due_soon = passed = 0
    for path in DEMO_FILES:
        written = yaml.safe_load(path.read_text(encoding="utf-8"))
        spec = read_case_file(path, today=TODAY)
        later = read_case_file(path, today=TODAY + timedelta(days=100))
        if isinstance(written["deadline"], str):
            offset = int(written["deadline"].removeprefix("today") or 0)
            assert spec.deadline == TODAY + timedelta(days=offset)
            assert later.deadline == TODAY + timedelta(days=100 + offset)
        if spec.status is CaseStatus.active and spec.deadline:
            due_soon += 0 <= (spec.deadline - TODAY).days <= 7
            passed += spec.deadline < TODAY
    assert due_soon and passed


def test_today_plus_five_is_five_days_after_the_given_day(tmp_path: Path) -> None:
    path = write(tmp_path, "demo.yaml", VALID.replace("deadline: 2025-03-18", "deadline: today+5"))
    path.write_text("demo: true\n" + path.read_text(encoding="utf-8"), encoding="utf-8")

    assert read_case_file(path, today=date(2026, 12, 30)).deadline == date(2027, 1, 4)


def test_the_example_in_the_docs_is_a_valid_case_file(tmp_path: Path) -> None:
    docs = (CASES_DIR.parents[1] / "docs" / "case-files.md").read_text(encoding="utf-8")
    example = docs.split("```yaml\n", 1)[1].split("```", 1)[0]

    spec = read_case_file(write(tmp_path, "example.yaml", example), today=TODAY)

    assert spec.label == "UA 44.22 (update 2)"
    assert [target.role for target in spec.targets] == [TargetRole.primary, TargetRole.cc]


# --- bad files -----------------------------------------------------------------------------

VALID = textwrap.dedent(
    """\
    ua_number: "12.26"
    title: A test case
    country: Peru
    status: active
    deadline: 2025-03-18
    issued: 2025-03-01
    targets:
      - name: Ana Torres
        title: Minister
        salutation: Dear Minister,
      - name: Embassy
        role: cc
    """
)


def write(directory: Path, name: str, content: str) -> Path:
    path = directory / name
    path.write_text(content, encoding="utf-8")
    return path


BAD_FILES = {
    "unknown key": (
        VALID + "deadlne: 2025-03-20\n",
        "13: deadlne: unknown field; did you mean 'deadline'?",
    ),
    "ua number as a number": (
        VALID.replace('"12.26"', "12.10"),
        "1: ua_number: 12.10 is read as a number, which drops trailing zeros",
    ),
    "ua number with a leading zero": (
        VALID.replace('"12.26"', '"012.26"'),
        "1: ua_number: '012.26' is not a UA number such as \"44.22\"",
    ),
    "wrong type": (
        VALID.replace("title: Minister", "title: [Minister]"),
        "9: targets[0].title: expected text, got a list",
    ),
    "bad date": (
        VALID.replace("2025-03-18", "2025-02-30"),
        "5: deadline: '2025-02-30' is not a valid date (YYYY-MM-DD)",
    ),
    "date in words": (
        VALID.replace("2025-03-18", "March 18"),
        "5: deadline: 'March 18' is not a valid date (YYYY-MM-DD)",
    ),
    "status outside the vocabulary": (
        VALID.replace("status: active", "status: open"),
        "4: status: 'open' is not one of: draft, active, paused, closed",
    ),
    "missing required field": (
        VALID.replace("country: Peru\n", ""),
        "1: country: is required",
    ),
    "missing target name": (
        VALID.replace("  - name: Embassy\n    role: cc", "  - role: cc"),
        "11: targets[1].name: is required",
    ),
    "closed without outcome": (
        VALID.replace("status: active", "status: closed"),
        "4: outcome: a closed case needs an outcome: released, charges_dropped",
    ),
    "outcome on an open case": (
        VALID + "outcome: released\n",
        "13: outcome: only a closed case has an outcome; status is active",
    ),
    "deadline before issued": (
        VALID.replace("issued: 2025-03-01", "issued: 2025-04-01"),
        "5: deadline: 2025-03-18 is before the issue date (2025-04-01)",
    ),
    "no primary target": (
        VALID.replace(
            "  - name: Ana Torres\n    title: Minister\n    salutation: Dear Minister,\n", ""
        ),
        "7: targets: needs at least one target with role: primary (status is active)",
    ),
    "YAML syntax error": (
        VALID.replace("title: A test case", "title: [A test case"),
        "3: YAML syntax: expected ',' or ']', but got ':' "
        "(while parsing a flow sequence that began on line 2)",
    ),
    "YAML indentation error": (
        VALID.replace("    title: Minister", "   title: Minister"),
        "9: YAML syntax: ",
    ),
    "relative date in a non-demo file": (
        VALID.replace("deadline: 2025-03-18", "deadline: today+5"),
        "5: deadline: 'today+5': relative dates are for demo files only (demo: true)",
    ),
    "letter with its salutation": (
        VALID + "sample_letter: |\n  Dear Minister,\n\n  Release her.\n",
        "13: sample_letter: starts with a salutation",
    ),
    "duplicate key": (
        VALID + "title: Another title\n",
        "13: title: given twice; keep one",
    ),
}


@pytest.mark.parametrize("content, expected", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_bad_file_names_file_line_and_field_and_writes_nothing(
    engine: Engine, tmp_path: Path, content: str, expected: str
) -> None:
    path = write(tmp_path, "bad.yaml", content)

    with pytest.raises(CaseFileError) as raised:
        load(engine, path)

    assert f"{path}:{expected}" in str(raised.value)
    assert count(engine, Case) == 0


def test_the_valid_template_of_the_bad_files_is_valid(tmp_path: Path) -> None:
    read_case_file(write(tmp_path, "good.yaml", VALID), today=TODAY)


def test_every_problem_of_a_file_is_reported_not_just_the_first(tmp_path: Path) -> None:
    content = (
        VALID.replace("2025-03-18", "2025-02-30")
        .replace("status: active", "status: open")
        .replace("title: Minister", "title: 3")
    )
    path = write(tmp_path, "bad.yaml", content)

    with pytest.raises(CaseFileError) as raised:
        read_case_file(path, today=TODAY)

    assert [(problem.line, problem.field) for problem in raised.value.problems] == [
        (4, "status"),
        (5, "deadline"),
        (9, "targets[0].title"),
    ]
    assert str(raised.value).splitlines() == [str(p) for p in raised.value.problems]


def test_a_bad_file_among_good_ones_writes_none_of_them(engine: Engine, tmp_path: Path) -> None:
    bad = write(tmp_path, "bad.yaml", VALID.replace("status: active", "status: open"))

    with pytest.raises(CaseFileError) as raised:
        load(engine, SEED_FILE, *DEMO_FILES, bad)

    assert [problem.path for problem in raised.value.problems] == [bad]
    assert count(engine, Case) == 0
    assert count(engine, Target) == 0


def test_two_files_for_the_same_case_and_update_are_refused(engine: Engine, tmp_path: Path) -> None:
    first = write(tmp_path, "a.yaml", VALID)
    second = write(tmp_path, "b.yaml", VALID.replace("A test case", "Another"))

    with pytest.raises(CaseFileError) as raised:
        load(engine, first, second)

    assert raised.value.problems == [
        Problem(
            second, 1, "ua_number", f"UA 12.26 is also in {first}; one file per case and update"
        )
    ]
    assert count(engine, Case) == 0


def test_problem_reads_as_path_line_field_message() -> None:
    problem = Problem(Path("data/cases/x.yaml"), 12, "deadline", "'2025-02-30' is not valid")

    assert str(problem) == "data/cases/x.yaml:12: deadline: '2025-02-30' is not valid"


def test_case_files_lists_the_yaml_files_of_a_directory_sorted(tmp_path: Path) -> None:
    for name in ["b.yaml", "a.yml", "notes.txt", ".#a.yaml"]:
        write(tmp_path, name, "")

    assert case_files(tmp_path) == [tmp_path / "a.yml", tmp_path / "b.yaml"]
    assert case_files(tmp_path / "b.yaml") == [tmp_path / "b.yaml"]


# --- loading again -------------------------------------------------------------------------


def test_loading_the_same_files_twice_changes_nothing(engine: Engine) -> None:
    load(engine, SEED_FILE, *DEMO_FILES)
    version = stored_case(engine, "44.22", 2).version

    report = load(engine, SEED_FILE, *DEMO_FILES, today=TODAY + timedelta(days=30))

    assert report.created == report.updated == []
    assert len(report.unchanged) == 1 + len(DEMO_FILES)
    assert stored_case(engine, "44.22", 2).version == version
    # Demo dates keep the day of the first load: the file is unchanged.
    assert stored_case(engine, "101.26").deadline == TODAY + timedelta(days=5)
    assert count(engine, AuditEvent) == 0


def test_an_edited_file_updates_the_case_and_writes_the_audit(
    engine: Engine, tmp_path: Path
) -> None:
    path = write(tmp_path, "case.yaml", VALID)
    load(engine, path)
    before = stored_case(engine, "12.26")

    edited = VALID.replace("status: active", "status: paused").replace(
        "title: Minister", "title: Minister of Justice"
    )
    write(tmp_path, "case.yaml", edited + "  - name: New Official\n    email: a@example.org\n")
    report = load(engine, path)

    assert report.updated == ["UA 12.26"]
    after = stored_case(engine, "12.26")
    assert after.status is CaseStatus.paused
    assert after.version == before.version + 1
    assert [target.name for target in after.targets] == ["Ana Torres", "Embassy", "New Official"]
    assert after.targets[0].id == before.targets[0].id
    assert after.targets[0].title == "Minister of Justice"
    with transaction(engine) as session:
        events = session.scalars(select(AuditEvent).order_by(AuditEvent.field)).all()
    assert [(e.field, e.old_value, e.new_value) for e in events] == [
        ("status", "active", "paused"),
        ("target.title", "Minister", "Minister of Justice"),
        (
            "targets",
            '["Ana Torres", "Embassy"]',
            '["Ana Torres", "Embassy", "New Official"]',
        ),
    ]
    assert {e.actor for e in events} == {"tester"}
    assert all(e.note and e.note.startswith(f"loaded from {path}") for e in events)


def test_targets_can_be_swapped_and_removed(engine: Engine, tmp_path: Path) -> None:
    three = VALID + "  - name: Third\n"
    path = write(tmp_path, "case.yaml", three)
    load(engine, path)
    version = stored_case(engine, "12.26").version

    swapped = three.replace(
        "  - name: Ana Torres\n    title: Minister\n    salutation: Dear Minister,\n", ""
    ).replace("  - name: Third\n", "  - name: THIRD\n  - name: ana  torres\n")
    write(tmp_path, "case.yaml", swapped)
    load(engine, path)

    case = stored_case(engine, "12.26")
    assert case.version == version + 1  # once, although the targets were flushed first
    assert [(t.name, t.position) for t in case.targets] == [
        ("Embassy", 0),
        ("THIRD", 1),
        ("ana  torres", 2),
    ]
    assert case.targets[2].title is None  # the file no longer gives one

    write(tmp_path, "case.yaml", VALID.replace("  - name: Embassy\n    role: cc\n", ""))
    load(engine, path)
    assert [t.name for t in stored_case(engine, "12.26").targets] == ["Ana Torres"]


def test_a_comment_only_edit_changes_nothing_but_the_remembered_hash(
    engine: Engine, tmp_path: Path
) -> None:
    path = write(tmp_path, "case.yaml", VALID)
    load(engine, path)
    before = stored_case(engine, "12.26")

    write(tmp_path, "case.yaml", "# a comment\n" + VALID)
    report = load(engine, path)

    after = stored_case(engine, "12.26")
    assert report.unchanged == ["UA 12.26"]
    assert after.version == before.version
    assert after.source_hash != before.source_hash
    assert count(engine, AuditEvent) == 0


def test_an_edit_made_in_the_app_survives_loading_the_unchanged_file(
    engine: Engine, tmp_path: Path
) -> None:
    path = write(tmp_path, "case.yaml", VALID)
    load(engine, path)
    with transaction(engine) as session:
        case = session.scalars(select(Case)).one()
        case.status = CaseStatus.paused

    load(engine, path)

    assert stored_case(engine, "12.26").status is CaseStatus.paused


def test_removing_a_target_with_reports_is_refused(engine: Engine, tmp_path: Path) -> None:
    path = write(tmp_path, "case.yaml", VALID)
    load(engine, path)
    case = stored_case(engine, "12.26")
    with transaction(engine) as session:
        session.add(
            ActionReport(
                case_id=case.id,
                target_id=case.targets[1].id,
                channel=Channel.email,
                action_date=TODAY,
                reported_at=datetime.now(UTC),
                source=ReportSource.staff,
            )
        )

    write(
        tmp_path,
        "case.yaml",
        VALID.replace("  - name: Embassy\n    role: cc\n", "").replace("Peru", "Chile"),
    )
    with pytest.raises(CaseFileError) as raised:
        load(engine, path)

    assert str(raised.value) == (
        f"{path}:7: targets: target 'Embassy' has reports and cannot be removed; "
        "keep it in the file"
    )
    after = stored_case(engine, "12.26")
    assert after.country == "Peru"
    assert after.version == case.version
    assert [t.name for t in after.targets] == ["Ana Torres", "Embassy"]
