"""uadash: a dashboard for the staff who run Urgent Actions."""

__version__ = "0.1.0"
