"""The app server's own HTTP routes beside the Streamlit pages: the report form, the intake API."""
