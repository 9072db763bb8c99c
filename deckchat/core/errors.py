"""Errors as values a user can act on: a stable code, a sentence, and the HTTP status that fits."""

from __future__ import annotations


class DeckchatError(Exception):
    """Base for every error we show a user. ``code`` is stable snake_case; ``message`` is a sentence."""

    code = "error"
    status = 400

    def __init__(self, message: str, *, code: str | None = None, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status


class InvalidInput(DeckchatError):
    """The uploaded file cannot be ingested as it is; the user must send something else."""

    code = "invalid_input"
    status = 422


class TooLarge(InvalidInput):
    code = "too_large"
    status = 413


class UnsupportedFormat(InvalidInput):
    code = "unsupported_format"
    status = 415


class NotFound(DeckchatError):
    code = "not_found"
    status = 404


class DeckNotFound(NotFound):
    """The one answer for a deck the caller may not know of: unknown, deleted, private or expired for
    them. It names nothing, not even the id or slug asked for, so no two of these answers differ."""

    code = "deck_not_found"

    def __init__(self) -> None:
        super().__init__("No such deck, or it is not shared with you.")


class ConversionFailed(DeckchatError):
    """LibreOffice could not turn the file into a PDF, or took too long."""

    code = "conversion_failed"
    status = 422


class MissingDependency(DeckchatError):
    code = "missing_dependency"
    status = 503
