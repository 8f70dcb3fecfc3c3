"""The case page's line about the supporters' report form, and its open/close switch for
editors (the form itself is served by `uadash.web.report_form`)."""

from __future__ import annotations

import streamlit as st

from uadash.access import PermissionDenied
from uadash.queries import Case
from uadash.reports.intake import IntakeError
from uadash.reports.live import set_report_form
from uadash.ui import session
from uadash.ui.auth import current_actor
from uadash.vocab import CaseStatus, Role


def report_form_control(case: Case, ref: str) -> None:
    """Where supporters report for this case, and (for editors) whether the form is open."""
    link = f"/report/{ref}"
    actor = current_actor()
    taking = case.report_form_open and case.status not in (CaseStatus.closed, CaseStatus.draft)
    state = "takes reports" if taking else "takes no reports"
    st.caption(f"Supporters' report form: [{link}]({link}) — {state}.")
    if not actor.may(Role.editor):
        return
    wanted = st.toggle(
        "Report form open",
        value=case.report_form_open,
        key=f"report-form-{case.id}",
        help="Closed, the form answers politely and takes nothing. A closed or draft case "
        "takes no reports whatever this says.",
    )
    if wanted != case.report_form_open:
        try:
            set_report_form(session.engine(), case.id, open_=wanted, actor=actor)
        except (IntakeError, PermissionDenied) as error:
            st.error(str(error))
        else:
            st.rerun()
