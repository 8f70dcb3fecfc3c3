"""A chart with its downloads underneath: the picture as PNG and SVG, its data as CSV."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from uadash import chart_files
from uadash.charts import AnyChart
from uadash.exports import csv_bytes


def chart_with_downloads(chart: AnyChart, data: pd.DataFrame, name: str) -> None:
    """Draw `chart`, then three small download buttons. The images are rendered only when
    someone clicks (a deferred download), so a page with many charts stays quick; clicking
    does not rerun the page. `name` becomes the file name and must be unique on the page."""
    st.altair_chart(chart, width="stretch")
    stem = chart_files.file_stem(name)
    with st.container(horizontal=True, gap="small"):
        st.download_button(
            "PNG",
            lambda: chart_files.png(chart),
            file_name=f"{stem}.png",
            mime="image/png",
            key=f"download-{stem}-png",
            help="Download this chart as a PNG image, for slides",
            on_click="ignore",
            type="tertiary",
            icon=":material/download:",
        )
        st.download_button(
            "SVG",
            lambda: chart_files.svg(chart),
            file_name=f"{stem}.svg",
            mime="image/svg+xml",
            key=f"download-{stem}-svg",
            help="Download this chart as an SVG image, which stays sharp at any size",
            on_click="ignore",
            type="tertiary",
            icon=":material/download:",
        )
        st.download_button(
            "CSV",
            csv_bytes(data),
            file_name=f"{stem}.csv",
            mime="text/csv",
            key=f"download-{stem}-csv",
            help="Download the numbers behind this chart, for a spreadsheet",
            on_click="ignore",
            type="tertiary",
            icon=":material/table:",
        )
