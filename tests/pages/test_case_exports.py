"""The case page's charts: each has PNG, SVG and CSV downloads, and the CSV holds the query
layer's numbers for the case shown (its whole campaign, the page's default period)."""

from __future__ import annotations

import io

import pandas as pd
from sqlalchemy import Engine

from tests.pages.conftest import Export, open_app
from uadash import chart_files, queries
from uadash.exports import csv_bytes, readable

SEED = "44.22-2"


def test_every_case_chart_downloads_as_png_svg_and_csv(
    demo_database: Engine, exports: list[Export]
) -> None:
    app = open_app("pages/case.py", case=SEED, period="lifetime")
    assert not app.exception
    case = queries.find_case(demo_database, SEED)
    assert case is not None

    assert len(exports) == 5 == len(app.get("vega_lite_chart"))
    names = [chart_files.file_stem(export.name) for export in exports]
    assert len(set(names)) == 5
    assert all(name.startswith("ua-44.22-2-") for name in names)
    assert [button.label for button in app.get("download_button")] == ["PNG", "SVG", "CSV"] * 5

    def csv_of(chart: str) -> pd.DataFrame:
        (export,) = [e for e, name in zip(exports, names, strict=True) if f"-{chart}-" in name]
        return pd.read_csv(io.BytesIO(csv_bytes(export.data)), encoding="utf-8-sig")

    everything = queries.total_actions(demo_database, [case.id])
    assert everything > 0
    by_target = csv_of("actions-by-target")
    expected = queries.actions_by_target(demo_database, case)
    assert list(by_target["target"]) == list(expected["target"])
    assert list(by_target["actions"]) == list(expected["actions"])
    assert by_target["actions"].sum() == everything
    assert csv_of("channel-mix")["actions"].sum() == everything
    assert csv_of("actions-per-week-by-channel")["actions"].sum() == everything
    assert csv_of("actions-per-week-by-target")["actions"].sum() == everything
    assert csv_of("running-total")["cumulative"].iloc[-1] == everything
    # What a reader downloads: no internal ids, shares rounded.
    by_target_file = readable(next(e.data for e in exports if "-actions-by-target-" in e.name))
    assert "target_key" not in by_target_file.columns
    mix = readable(next(e.data for e in exports if "-channel-mix-" in e.name))
    assert all(len(repr(share).split(".")[-1]) <= 3 for share in mix["share"])

    for export in exports:  # each renders offline, with the title it has on the page
        spec = export.chart.to_dict()
        title = spec.get("title") or spec["layer"][0]["title"]  # a layer may hold it
        title = title["text"] if isinstance(title, dict) else title  # one with a subtitle
        assert title in chart_files.svg(export.chart).decode()
        assert chart_files.png(export.chart).startswith(b"\x89PNG\r\n\x1a\n")
