"""The app server: app.py as `st.App` under uvicorn, and uadash's own HTTP routes beside the
pages (health, sessions, the calendar feed, the report form, the intake API). Routes call the
domain, never SQL."""
