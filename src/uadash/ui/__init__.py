"""The only shared Streamlit code: the database handle, filters, badges."""
