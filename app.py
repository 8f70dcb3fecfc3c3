"""uadash: page setup and navigation. Everything else lives in pages/ and src/uadash/."""

import streamlit as st

from uadash.ui.auth import current_actor, sign_in_gate
from uadash.ui.errors import guarded
from uadash.ui.navigation import pages_for, sidebar_links
from uadash.ui.present import initial_sidebar_state
from uadash.ui.session import leave_pages_folder_mode

leave_pages_folder_mode()  # before anything is drawn: see its docstring

st.set_page_config(
    page_title="uadash · Urgent Actions",
    page_icon="✉️",
    layout="wide",
    initial_sidebar_state=initial_sidebar_state(),  # collapsed for ?present=1
)
links = st.sidebar.container(key="pages")  # the page links, above the sign-in form
sign_in_gate()  # a one-time link, the sign-in form, or the sign-in page when viewing needs it
pages = pages_for(current_actor())
page = st.navigation(pages, position="hidden")
sidebar_links(pages, links)
with guarded(f"page {page.url_path or 'overview'}"):  # no traceback reaches a user
    page.run()
