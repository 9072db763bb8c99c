"""Ingestion jobs persisted in SQL, run in-process by the CLI or in child processes by the server."""
