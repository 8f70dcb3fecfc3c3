"""A chart with its downloads underneath: the picture as PNG and SVG, its data as CSV."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from uadash import chart_files
from uadash.charts import AnyChart
from uadash.exports import csv_bytes, readable


def chart_with_downloads(chart: AnyChart, data: pd.DataFrame, name: str) -> None:
    """Draw `chart`, then three small download buttons. The images are rendered only when
    someone clicks (a deferred download), so a page with many charts stays quick; clicking
    does not rerun the page. `name` becomes the file name and must be unique on the page."""
    st.altair_chart(chart, width="stretch")
    stem = chart_files.file_stem(name)
    downloads: list[tuple[str, bytes | Callable[[], bytes], str, str, str]] = [
        # label, data (a callable is rendered only on click), MIME type, help, icon
        (
            "PNG",
            lambda: chart_files.png(chart),
            "image/png",
            "Download this chart as a PNG image, for slides",
            ":material/download:",
        ),
        (
            "SVG",
            lambda: chart_files.svg(chart),
            "image/svg+xml",
            "Download this chart as an SVG image, which stays sharp at any size",
            ":material/download:",
        ),
        (
            "CSV",
            csv_bytes(readable(data)),
            "text/csv",
            "Download the numbers behind this chart, for a spreadsheet",
            ":material/table:",
        ),
    ]
    with st.container(horizontal=True, gap="small"):
        for label, content, mime, help_text, icon in downloads:
            extension = label.lower()
            st.download_button(
                label,
                content,
                file_name=f"{stem}.{extension}",
                mime=mime,
                key=f"download-{stem}-{extension}",
                help=help_text,
                on_click="ignore",
                type="tertiary",
                icon=icon,
            )
