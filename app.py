"""uadash: navigation and page setup. Everything else lives in pages/ and src/uadash/."""

import streamlit as st

st.set_page_config(page_title="uadash · Urgent Actions", page_icon="✉️", layout="wide")

navigation = st.navigation(
    [
        st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
        st.Page("pages/case.py", title="Case", icon=":material/folder_open:", url_path="case"),
        st.Page(
            "pages/letters.py", title="Letter preview", icon=":material/mail:", url_path="letters"
        ),
    ]
)
navigation.run()
