"""Persistence: SQL rows (SQLite by default, PostgreSQL by URL) and content-addressed blob files."""
