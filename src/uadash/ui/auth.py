"""The signed-in person of this browser session, as an `Actor` the domain understands."""

from __future__ import annotations

import streamlit as st

from uadash.access import ANONYMOUS, Actor

ACTOR_KEY = "uadash.actor"


def current_actor() -> Actor:
    """The session's actor; the anonymous viewer until someone signs in."""
    actor = st.session_state.get(ACTOR_KEY)
    return actor if isinstance(actor, Actor) else ANONYMOUS
