"""Chart files: PNG and SVG rendered offline by vl-convert, valid images of the right chart."""

from __future__ import annotations

import io
import struct
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import date

import altair as alt
import pandas as pd
import pytest
from PIL import Image

from uadash import chart_files, charts
from uadash.charts import AnyChart
from uadash.queries import Bucket, Period

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
Q1 = Period(date(2025, 1, 1), date(2025, 3, 31))


def over_time() -> AnyChart:
    frame = pd.DataFrame(
        {
            "period": pd.to_datetime(["2025-01-06", "2025-01-06", "2025-02-03"]),
            "channel": ["letter", "email", "fax"],
            "actions": [1200, 300, 45],
        }
    )
    return charts.actions_over_time(
        frame, bucket=Bucket.week, title="Actions per week, by channel", period=Q1
    )


def by_case() -> AnyChart:
    frame = pd.DataFrame(
        {
            "case": ["UA 44.22 (update 2)", "UA 97.26"],
            "title": ["Two activists faced unjust conviction", "Another case"],
            "actions": [12_345, 678],
        }
    )
    return charts.for_projector(charts.actions_by_case(frame, title="Actions by case"))


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk, which must come first."""
    assert data[:8] == PNG_SIGNATURE
    length, kind = struct.unpack(">I4s", data[8:16])
    assert (length, kind) == (13, b"IHDR")
    width, height = struct.unpack(">II", data[16:24])
    return width, height


CHARTS = [
    (over_time, "Actions per week, by channel", ["Week", "Actions reported"]),
    (by_case, "Actions by case", ["Actions reported", "UA 44.22 (update 2)"]),
]


@pytest.mark.parametrize(("make", "title", "labels"), CHARTS, ids=["over-time", "by-case"])
def test_png_is_a_valid_image_of_slide_width(
    make: Callable[[], AnyChart], title: str, labels: list[str]
) -> None:
    data = chart_files.png(make())
    width, height = png_size(data)
    # The plot is FILE_WIDTH wide, plus axes and padding, drawn at twice the size.
    assert chart_files.FILE_WIDTH * 2 <= width <= (chart_files.FILE_WIDTH + 400) * 2
    assert height > 200
    image = Image.open(io.BytesIO(data))
    image.load()  # decodes every pixel
    assert image.size == (width, height)
    assert image.getextrema() != ((255, 255), (255, 255), (255, 255), (255, 255))  # not blank


@pytest.mark.parametrize(("make", "title", "labels"), CHARTS, ids=["over-time", "by-case"])
def test_svg_holds_the_charts_title_and_axis_labels(
    make: Callable[[], AnyChart], title: str, labels: list[str]
) -> None:
    data = chart_files.svg(make())
    root = ET.fromstring(data)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    texts = {"".join(node.itertext()) for node in root.iter("{http://www.w3.org/2000/svg}text")}
    assert title in texts
    for label in labels:
        assert label in texts


def test_channel_names_and_numbers_appear_as_the_reader_sees_them() -> None:
    frame = pd.DataFrame(
        {"channel": ["letter", "email", "call", "tweet", "fax"], "when": ["This quarter"] * 5}
    ).assign(actions=[8000, 3000, 900, 445, 0])
    chart = charts.channels_compared(frame, title="Actions by channel")
    texts = set(ET.fromstring(chart_files.svg(chart)).itertext())
    assert {"Letter", "Email", "Call", "Tweet", "Fax", "8,000", "445"} <= texts


def test_rendering_fetches_nothing() -> None:
    """Every chart carries its data; a chart that would fetch some is refused, not fetched."""
    remote = alt.Chart("https://example.com/data.csv").mark_bar().encode(x="a:Q", y="b:N")
    with pytest.raises(ValueError, match="not allowed"):
        chart_files.svg(remote)
    with pytest.raises(ValueError, match="not allowed"):
        chart_files.png(remote)


def test_a_chart_with_its_own_width_keeps_it() -> None:
    spec = chart_files.spec(over_time().properties(width=400))
    assert spec["width"] == 400
    assert chart_files.spec(over_time())["width"] == chart_files.FILE_WIDTH


def test_file_stem_is_ascii_and_safe() -> None:
    assert (
        chart_files.file_stem("actions-by-case", "UA 44.22 (update 2) · Türkiye", "2025-01-01")
        == "actions-by-case-ua-44.22-update-2-turkiye-2025-01-01"
    )
    assert chart_files.file_stem("", "///") == "chart"


def test_each_month_is_labelled_once_under_its_bar() -> None:
    frame = pd.DataFrame(
        {
            "period": pd.to_datetime(["2025-01-01", "2025-02-01", "2025-03-01"]),
            "channel": ["letter", "email", "call"],
            "actions": [5, 6, 3],
        }
    )
    chart = charts.actions_over_time(frame, bucket=Bucket.month, title="By month", period=Q1)
    texts = list(ET.fromstring(chart_files.svg(chart)).itertext())
    assert [texts.count(month) for month in ("Jan 2025", "Feb 2025", "Mar 2025")] == [1, 1, 1]
