"""Charts as files for slides and reports: PNG and SVG rendered offline by vl-convert (the
Vega-Lite renderer compiled into a Python wheel: no browser, no network), and file names.

A chart in the app stretches to its column; a file needs a width, so one is set here when the
chart has none. The data travels inside the spec and no URL may be fetched while rendering.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import altair as alt
import vl_convert as vlc

# Wide enough for a slide; the PNG is drawn at twice this for sharp text on a projector.
FILE_WIDTH = 960
PNG_SCALE = 2
# Nothing may be fetched while rendering: every chart carries its data inline.
_NO_NETWORK: list[str] = []


def spec(chart: alt.TopLevelMixin, *, width: int = FILE_WIDTH) -> dict[str, Any]:
    """The chart's Vega-Lite spec on a white background, `width` pixels wide unless the
    chart sets its own width."""
    result: dict[str, Any] = chart.to_dict()
    if "width" not in result and not _is_composed(result):
        result["width"] = width
    result.setdefault("background", "white")
    return result


def _is_composed(result: dict[str, Any]) -> bool:
    # Concatenated and faceted charts take their widths from their parts.
    return any(key in result for key in ("hconcat", "vconcat", "concat", "facet", "repeat"))


def png(chart: alt.TopLevelMixin, *, width: int = FILE_WIDTH, scale: int = PNG_SCALE) -> bytes:
    """The chart as a PNG image."""
    data: bytes = vlc.vegalite_to_png(
        spec(chart, width=width), scale=scale, allowed_base_urls=_NO_NETWORK
    )
    return data


def svg(chart: alt.TopLevelMixin, *, width: int = FILE_WIDTH) -> bytes:
    """The chart as an SVG image (UTF-8), its text kept as text."""
    text: str = vlc.vegalite_to_svg(spec(chart, width=width), allowed_base_urls=_NO_NETWORK)
    return text.encode("utf-8")


def file_stem(*parts: str) -> str:
    """`ua-44.22-2-actions-by-channel`: ASCII words joined by dashes, safe on every file
    system and in a URL."""
    words = []
    for part in parts:
        ascii_text = unicodedata.normalize("NFKD", part).encode("ascii", "ignore").decode()
        word = re.sub(r"[^a-z0-9.]+", "-", ascii_text.lower()).strip("-.")
        if word:
            words.append(word)
    return "-".join(words) or "chart"
