"""The sentence for officials and reports, the per-target statements, and `uadash summary`:
exact totals from the query layer, written with the right grammar."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pandas as pd
import pytest
from sqlalchemy import Engine

from tests.conftest import CASES_DIR
from uadash import queries, summary
from uadash.cases.files import case_files, load_case_files
from uadash.cli import main
from uadash.queries import CHANNELS, Period
from uadash.reports.writer import insert_reports
from uadash.store.engine import transaction
from uadash.store.models import Case, ReportBatch
from uadash.vocab import ReportSource

Q1 = Period(date(2025, 1, 1), date(2025, 3, 31))
PEOPLE = ["Huang Xueqin", "Wang Jianbing"]
EXAMPLE = (
    "Between 1 January and 31 March 2025, supporters reported 12,345 actions for Huang Xueqin "
    "and Wang Jianbing: 8,000 letters, 3,000 emails, 900 calls and 445 tweets, 7,100 of them "
    "to Director Zhang Rui."
)


def say(
    by_channel: dict[str, int],
    *,
    people: list[str] = PEOPLE,
    period: Period = Q1,
    target_total: int = 0,
    target: str | None = None,
) -> str:
    return summary.sentence(
        period=period,
        total=sum(by_channel.values()),
        by_channel={channel: by_channel.get(channel, 0) for channel in CHANNELS},
        people=people,
        case_label="UA 44.22 (update 2)",
        target_name=target,
        target_total=target_total,
    )


# --- grammar ---------------------------------------------------------------------------------


def test_the_example_from_the_issue() -> None:
    counts = {"letter": 8000, "email": 3000, "call": 900, "tweet": 445}
    assert say(counts, target="Director Zhang Rui", target_total=7100) == EXAMPLE


@pytest.mark.parametrize(
    ("channel", "one", "many"),
    [
        ("letter", "1 letter", "2 letters"),
        ("email", "1 email", "2 emails"),
        ("call", "1 call", "2 calls"),
        ("tweet", "1 tweet", "2 tweets"),
        ("fax", "1 fax", "2 faxes"),
    ],
)
def test_each_channel_in_the_singular_and_plural(channel: str, one: str, many: str) -> None:
    assert say({channel: 1}).endswith(f"supporters reported 1 action for {_both()}: {one}.")
    assert say({channel: 2}).endswith(f"supporters reported 2 actions for {_both()}: {many}.")
    assert say({channel: 1234}).endswith(
        f"1,234 actions for {_both()}: {many.replace('2', '1,234')}."
    )


def _both() -> str:
    return "Huang Xueqin and Wang Jianbing"


def test_channels_with_nothing_are_left_out_and_the_rest_keep_their_order() -> None:
    text = say({"fax": 3, "letter": 1, "tweet": 0, "call": 1})
    assert text.endswith(": 1 letter, 1 call and 3 faxes.")
    assert "tweet" not in text and "email" not in text
    assert say({"email": 2, "fax": 1}).endswith(": 2 emails and 1 fax.")


def test_no_actions_at_all() -> None:
    assert say({}) == (
        "Between 1 January and 31 March 2025, supporters reported no actions for "
        "Huang Xueqin and Wang Jianbing."
    )
    assert "Director" not in say({}, target="Director Zhang Rui")


@pytest.mark.parametrize(
    ("people", "written"),
    [
        (["Wang Jianbing"], "for Wang Jianbing:"),
        (["Huang Xueqin", "Wang Jianbing"], "for Huang Xueqin and Wang Jianbing:"),
        (["A", "B", "C"], "for A, B and C:"),
        ([], "for UA 44.22 (update 2):"),
    ],
)
def test_one_or_several_people_at_risk(people: list[str], written: str) -> None:
    assert written in say({"letter": 5}, people=people)


@pytest.mark.parametrize(
    ("counts", "to_target", "ending"),
    [
        ({"letter": 10}, 0, "10 letters, none of them to Director Zhang Rui."),
        ({"letter": 10}, 1, "10 letters, 1 of them to Director Zhang Rui."),
        (
            {"letter": 9000, "email": 1000},
            7100,
            "1,000 emails, 7,100 of them to Director Zhang Rui.",
        ),
        ({"letter": 10}, 10, "10 letters, all of them to Director Zhang Rui."),
        ({"letter": 1, "call": 1}, 2, "1 letter and 1 call, both of them to Director Zhang Rui."),
        (
            {"letter": 1},
            1,
            "1 action for Huang Xueqin and Wang Jianbing: 1 letter, sent to Director Zhang Rui.",
        ),
    ],
)
def test_the_share_that_went_to_a_target(
    counts: dict[str, int], to_target: int, ending: str
) -> None:
    assert say(counts, target="Director Zhang Rui", target_total=to_target).endswith(ending)


def test_dates_are_written_out() -> None:
    day = Period(date(2025, 3, 5), date(2025, 3, 5))
    assert say({"letter": 2}, period=day).startswith("On 5 March 2025, supporters reported")
    march = Period(date(2025, 3, 1), date(2025, 3, 31))
    assert say({"letter": 2}, period=march).startswith("Between 1 and 31 March 2025,")
    winter = Period(date(2024, 12, 15), date(2025, 1, 14))
    assert say({"letter": 2}, period=winter).startswith(
        "Between 15 December 2024 and 14 January 2025,"
    )


# --- against the database --------------------------------------------------------------------


@pytest.fixture
def seed_case(engine: Engine) -> Case:
    """UA 44.22 (update 2) with the example's reports in the first quarter of 2025, and some
    just outside it that must not count."""
    seed = [path for path in case_files(CASES_DIR) if "44.22" in path.name]
    load_case_files(engine, seed, actor="test", today=date(2025, 4, 30))
    case = queries.find_case(engine, "44.22-2")
    assert case is not None
    rui, jian, _fang = (target.id for target in case.targets)
    rows = [
        (rui, "letter", 5000, date(2025, 1, 1)),
        (rui, "email", 2000, date(2025, 2, 14)),
        (rui, "call", 100, date(2025, 3, 31)),
        (jian, "letter", 3000, date(2025, 1, 20)),
        (jian, "email", 500, date(2025, 3, 1)),
        (jian, "call", 800, date(2025, 2, 28)),
        (None, "email", 500, date(2025, 3, 10)),
        (None, "tweet", 445, date(2025, 3, 18)),
        (rui, "letter", 77, date(2024, 12, 31)),  # the day before
        (rui, "fax", 9, date(2025, 4, 1)),  # the day after
    ]
    frame = pd.DataFrame(
        [(case.id, t, c, n, d) for t, c, n, d in rows],
        columns=["case_id", "target_id", "channel", "count", "action_date"],
    )
    frame["target_id"] = frame["target_id"].astype("Int64")
    frame["reported_at"] = datetime(2025, 4, 2, 9, tzinfo=UTC)
    frame["source"] = ReportSource.staff.value
    with transaction(engine) as session:
        insert_reports(session, frame, batch=ReportBatch(source=ReportSource.staff, actor="test"))
    return case


def test_case_sentence_has_the_query_layers_exact_totals(engine: Engine, seed_case: Case) -> None:
    rui = seed_case.targets[0]
    text = summary.case_sentence(engine, seed_case, period=Q1, target=rui)
    assert text == EXAMPLE.replace("for Huang Xueqin", "for Sophia Huang Xueqin")
    assert queries.total_actions(engine, [seed_case.id], Q1) == 12_345
    assert queries.total_actions(engine, [seed_case.id], Q1, target_id=rui.id) == 7_100


def test_tally_equals_the_query_layer(engine: Engine, seed_case: Case) -> None:
    counted = summary.tally(engine, seed_case, period=Q1)
    assert counted.total == queries.total_actions(engine, [seed_case.id], Q1)
    assert counted.by_channel == {
        "letter": 8000,
        "email": 3000,
        "call": 900,
        "tweet": 445,
        "fax": 0,
    }
    assert sum(counted.by_channel.values()) == counted.total
    rui = summary.tally(engine, seed_case, period=Q1, target=seed_case.targets[0])
    assert rui.by_channel == {"letter": 5000, "email": 2000, "call": 100, "tweet": 0, "fax": 0}


def test_each_target_gets_a_statement_with_their_own_total(engine: Engine, seed_case: Case) -> None:
    statements = summary.target_statements(engine, seed_case, period=Q1, today=date(2025, 4, 2))
    assert [(s.target.name, s.actions) for s in statements] == [
        ("Zhang Rui", 7100),
        ("Zhang Jian", 4300),
        ("Xie Fang", 0),
    ]
    rui = statements[0]
    assert rui.text.startswith("2 April 2025\n\nZhang Rui\nDirector of Guangzhou Public Security")
    assert "\n\nDear Director Zhang Rui,\n\n" in rui.text
    assert (
        "Between 1 January and 31 March 2025, supporters of Urgent Action 44.22 sent you "
        "7,100 actions on behalf of Sophia Huang Xueqin and Wang Jianbing: 5,000 letters, "
        "2,000 emails and 100 calls." in rui.text
    )
    assert "“Two activists faced unjust conviction”" in rui.text
    assert rui.text.endswith("Yours sincerely,\n\n[YOUR NAME]\n")
    assert rui.filename == "ua-44.22-2-zhang-rui-statement-2025-01-01-to-2025-03-31.txt"
    assert "no supporter of Urgent Action 44.22 reported an action addressed to you" in (
        statements[2].text
    )


def test_find_target_by_name_or_a_unique_part_of_it(engine: Engine, seed_case: Case) -> None:
    assert summary.find_target(seed_case, "zhang rui").name == "Zhang Rui"
    assert summary.find_target(seed_case, "Xie").name == "Xie Fang"
    with pytest.raises(summary.TargetNotFound, match="matches several targets"):
        summary.find_target(seed_case, "Zhang")
    with pytest.raises(
        summary.TargetNotFound, match="its targets: Zhang Rui, Zhang Jian, Xie Fang"
    ):
        summary.find_target(seed_case, "Nobody")


# --- the command line ------------------------------------------------------------------------


def test_uadash_summary_prints_the_sentence(
    engine: Engine, database_url: str, seed_case: Case, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--database-url", database_url, "summary", "44.22-2", "--from", "2025-01-01"]
    status = main([*argv, "--to", "2025-03-31", "--target", "Zhang Rui"])
    sentence, change = capsys.readouterr().out.splitlines()
    assert status == 0
    assert sentence == EXAMPLE.replace("for Huang Xueqin", "for Sophia Huang Xueqin")
    # Whole months are compared with as many whole months before, as on the pages.
    assert change == "Change against 1 October – 31 December 2024: +12,268 (+15932%)."
    assert main([*argv, "--to", "2025-03-31"]) == 0
    assert capsys.readouterr().out.splitlines()[0].endswith("900 calls and 445 tweets.")


def test_uadash_summary_takes_the_pages_period_words(
    engine: Engine, database_url: str, seed_case: Case, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--database-url", database_url, "summary", "44.22-2", "--period", "lifetime"]
    assert main(argv) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].endswith("900 calls, 445 tweets and 9 faxes.")  # every report, ever
    assert len(lines) == 1  # a lifetime has nothing before it to compare with
    assert main([*argv[:-1], "this-year", "--from", "2025-01-01"]) == 1
    assert "give one" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["99.99"], "there is no case '99.99'"),
        (["44.22-2", "--target", "Zhang"], "matches several targets"),
        (["44.22-2", "--target", "Nobody"], "has no target “Nobody”"),
        (["44.22-2", "--from", "2025-03-31", "--to", "2025-01-01"], "is before --from"),
    ],
)
def test_uadash_summary_says_what_is_wrong(
    engine: Engine,
    database_url: str,
    seed_case: Case,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    assert main(["--database-url", database_url, "summary", *args]) == 1
    assert message in capsys.readouterr().err
