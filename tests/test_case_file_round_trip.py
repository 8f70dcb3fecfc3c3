"""Case files and the app agree: `export-case` writes a file that `load-cases` reads back to
the same case, and a load never overwrites a field changed in the app since the file was last
loaded; it refuses the file naming the case and the fields, unless told to take the file's."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.test_case_files import SEED_FILE, TODAY, load, stored_case
from tests.test_edit_cases import ALICE
from uadash.cases import edits as case_edits
from uadash.cases.edits import CaseEdit
from uadash.cases.files import (
    CaseFileError,
    export_case,
    file_values_of_case,
    load_case_files,
    read_case_file,
)
from uadash.cases.targets import TargetChange
from uadash.store.engine import make_engine, upgrade


def test_an_exported_case_loads_back_into_an_empty_database_as_the_same_case(
    engine: Engine, tmp_path: Path
) -> None:
    load(engine, SEED_FILE)
    case = stored_case(engine, "44.22", 2)
    exported = tmp_path / "out.yaml"
    export_case(engine, case.id, exported)

    again = make_engine(f"sqlite:///{tmp_path / 'other.db'}")
    upgrade(again)
    load(again, exported)
    copy = stored_case(again, "44.22", 2)
    again.dispose()
    assert file_values_of_case(copy) == file_values_of_case(case)
    assert (
        read_case_file(exported, today=TODAY).column_values()
        == read_case_file(SEED_FILE, today=TODAY).column_values()
    )


def test_a_changed_file_does_not_overwrite_an_app_edit_and_names_case_and_fields(
    engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "case.yaml"
    shutil.copy(SEED_FILE, path)
    load(engine, path)
    case = stored_case(engine, "44.22", 2)
    state = case_edits.case_state(engine, case.id)
    assert state is not None
    first_target = state.targets[0].target_id
    case_edits.edit_case(
        engine,
        CaseEdit(
            case.id,
            state.version,
            title="Retitled in the app",
            targets=(TargetChange(first_target, {"email": "zr@example.org"}),),
        ),
        actor=ALICE,
    )
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(
            "title: Two activists faced unjust conviction", "title: From the file"
        ).replace("    salutation: Dear Director Zhang Rui,", "    salutation: Dear Director,"),
        encoding="utf-8",
    )

    with pytest.raises(CaseFileError) as refused:
        load(engine, path)
    message = str(refused.value)
    assert "UA 44.22 (update 2): title, targets changed both in the app and in this file" in message
    assert "--take-file" in message
    assert stored_case(engine, "44.22", 2).title == "Retitled in the app"

    load_case_files(engine, [path], actor="tester", today=TODAY, take_file=True)
    assert stored_case(engine, "44.22", 2).title == "From the file"


def test_a_changed_file_that_touches_only_fields_the_app_left_alone_loads(
    engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "case.yaml"
    shutil.copy(SEED_FILE, path)
    load(engine, path)
    case = stored_case(engine, "44.22", 2)
    case_edits.edit_case(
        engine, CaseEdit(case.id, case.version, title="Retitled in the app"), actor=ALICE
    )
    path.write_text(
        path.read_text(encoding="utf-8").replace("country: China", "country: PRC"),
        encoding="utf-8",
    )
    report = load(engine, path)
    after = stored_case(engine, "44.22", 2)
    assert report.updated == ["UA 44.22 (update 2)"]
    assert (after.title, after.country) == ("Retitled in the app", "PRC")


def test_a_loaded_file_of_a_later_update_supersedes_the_earlier_one(
    engine: Engine, tmp_path: Path
) -> None:
    load(engine, SEED_FILE)
    later = tmp_path / "third.yaml"
    later.write_text(
        SEED_FILE.read_text(encoding="utf-8").replace("update: 2", "update: 3"), encoding="utf-8"
    )
    load(engine, later)
    from uadash.cases import create

    assert [(e.update_number, e.superseded_by) for e in create.timeline(engine, "44.22")] == [
        (2, "UA 44.22 (update 3)"),
        (3, None),
    ]
    assert stored_case(engine, "44.22", 3).version == 1
