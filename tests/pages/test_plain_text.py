"""Case text from outside is shown as text on every page: Markdown, Streamlit's directives and
HTML in a title, summary, name or note appear as those characters, never rendered."""

from __future__ import annotations

from sqlalchemy import Engine

from tests.pages.conftest import open_app
from tests.test_queries import add_case
from uadash.ui.text import md

HOSTILE = "[link](http://x) :red[x] <b>bold</b> **strong** $x$"


def hostile_case(engine: Engine) -> None:
    add_case(
        engine,
        "66.26",
        title=f"Title {HOSTILE}",
        summary=f"Summary {HOSTILE}\n\n# not a heading",
        deadline_note=f"Note {HOSTILE}",
        people_at_risk=[{"name": f"Person {HOSTILE}"}],
        targets=[f"Judge {HOSTILE}"],
    )


def test_md_escapes_every_markdown_construct_and_leaves_plain_text_alone() -> None:
    assert md("This action has no end date.") == "This action has no end date."
    assert md("[link](http://x)") == r"\[link\](http\://x)"
    assert md(":red[x]") == r"\:red\[x\]"
    assert md("<b>&nbsp;") == r"\<b\>\&nbsp;"
    assert md("# heading\n1. item\n- item") == "\\# heading  \n1\\. item  \n\\- item"
    assert md("1. not a list", inline=True) == "1. not a list"


def test_case_page_shows_title_summary_names_and_notes_as_text(app_database: Engine) -> None:
    hostile_case(app_database)
    app = open_app("pages/case.py", case="66.26")
    assert not app.exception
    assert app.title[0].value == md(f"Title {HOSTILE}")
    assert any(text.value == f"Summary {HOSTILE}\n\n# not a heading" for text in app.text)
    assert any(caption.value == md(f"Note {HOSTILE}") for caption in app.caption)
    assert any(md(f"Person {HOSTILE}", inline=True) in m.value for m in app.markdown)
    for element in [*app.markdown, *app.caption, *app.title]:
        assert "[link](" not in element.value and ":red[" not in element.value


def test_letter_page_shows_target_names_and_the_call_script_as_text(
    app_database: Engine,
) -> None:
    hostile_case(app_database)
    app = open_app("pages/letters.py", case="66.26")
    assert not app.exception
    assert app.radio[0].options == [md(f"Judge {HOSTILE}")]
    assert any(f"Judge {HOSTILE}" in text.value for text in app.text)  # letter and call script
    for element in [*app.markdown, *app.caption, *app.warning]:
        assert "[link](" not in element.value and ":red[" not in element.value
