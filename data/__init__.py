"""Committed data: the source manifest and the embedded facts snapshot."""
