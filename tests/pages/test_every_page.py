"""Every page renders without an exception on an empty database, on the seed case alone,
and on the demo data: the three states a newcomer, a new deployment and a demo start in."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from tests.pages.conftest import open_app

PAGES = ["pages/overview.py", "pages/case.py", "pages/letters.py", "pages/present.py"]
DATABASES = ["app_database", "seed_database", "demo_database"]


@pytest.mark.parametrize("database", DATABASES)
@pytest.mark.parametrize("page", PAGES)
def test_page_renders(page: str, database: str, request: pytest.FixtureRequest) -> None:
    request.getfixturevalue(database)
    app = open_app(page)
    assert not app.exception, [e.value for e in app.exception]
    assert app.main.children, f"{page} drew nothing on {database}"


def test_seed_case_alone_shows_its_case_and_no_demo_banner(seed_database: object) -> None:
    app = open_app()
    table = app.dataframe[0].value
    assert [link.rsplit("case=", 1)[1] for link in table["link"]] == ["44.22-2"]
    assert not any("demo" in info.value for info in app.info)
    case = open_app("pages/case.py")
    assert "No actions have been reported for this case yet." in [m.value for m in case.markdown]


INTERNAL = {"case_id", "target_key", "channel_order", "period_end"}


@pytest.mark.parametrize("page", PAGES)
def test_tables_format_every_number_and_show_no_internal_id(
    page: str, demo_database: object
) -> None:
    """The grid draws on a canvas a browser test cannot read: check what it is told to draw.
    Every number column shown has thousands separators; no id column is shown; no text cell
    holds "None"."""
    app = open_app(page, case="44.22-2", period="lifetime")
    assert not app.exception
    for frame in app.dataframe:
        config = json.loads(frame.proto.columns or "{}")
        table = frame.value
        shown = list(frame.proto.column_order) or [c for c in table.columns if c != "_index"]
        assert not INTERNAL & set(shown), shown
        for column in shown:
            values = table[column]
            if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
                number_format = config.get(column, {}).get("type_config", {}).get("format")
                assert number_format == "localized", (page, column)
                assert not values.isna().any(), (page, column)  # the grid writes "None"
            else:
                assert not values.astype(str).isin(["None", "nan", "<NA>"]).any(), (page, column)
