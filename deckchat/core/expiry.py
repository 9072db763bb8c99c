"""When a deck's link stops working, from what a presenter typed: the one reading the CLI and the API share.

A bare date means the whole of that day, so its end (23:59:59); a time without an offset is UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from deckchat.core.errors import InvalidInput

EXPIRY_EXAMPLES = "a date like 2027-01-31 or a date and time like 2027-01-31T18:00+01:00"


def parse_expiry(text: str) -> datetime:
    """The instant ``text`` (ISO 8601) names, always with a zone; ``InvalidInput`` when it names none."""
    text = text.strip()
    try:
        day = date.fromisoformat(text)
    except ValueError:
        pass
    else:  # the end of that day: a link that "expires 2027-01-31" still works all that day
        return datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=UTC)
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{text!r} is not {EXPIRY_EXAMPLES}.", code="invalid_expiry") from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)
