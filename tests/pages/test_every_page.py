"""Every page renders without an exception on an empty database, on the seed case alone,
and on the demo data: the three states a newcomer, a new deployment and a demo start in."""

from __future__ import annotations

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
    assert list(table["ref"]) == ["44.22-2"]
    assert not any("demo" in info.value for info in app.info)
    case = open_app("pages/case.py")
    assert "No actions have been reported for this case yet." in [m.value for m in case.markdown]
