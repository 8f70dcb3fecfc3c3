"""An autouse fixture for AppTest files that click buttons or submit forms."""

from __future__ import annotations

from typing import Any

import pytest
from streamlit.runtime.pages_manager import PagesManager


@pytest.fixture(autouse=True)
def warm_server(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run as a server that has served app.py once, as every session but a fresh server's
    first one does. AppTest starts each run like a fresh server, in Streamlit's older pages/
    mode, which `session.engine()` leaves with a rerun; that rerun drops the click or form
    submit that started the run."""
    original = PagesManager.__init__

    def init(self: PagesManager, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)
