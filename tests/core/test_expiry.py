from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from deckchat.core.errors import InvalidInput
from deckchat.core.expiry import parse_expiry


def test_a_bare_date_is_the_end_of_that_day_in_utc() -> None:
    assert parse_expiry("2027-01-31") == datetime(2027, 1, 31, 23, 59, 59, tzinfo=UTC)
    assert parse_expiry(" 20270131 ") == datetime(2027, 1, 31, 23, 59, 59, tzinfo=UTC)


def test_a_time_without_an_offset_is_utc_and_an_offset_is_kept() -> None:
    assert parse_expiry("2027-01-31T18:00") == datetime(2027, 1, 31, 18, tzinfo=UTC)
    with_offset = parse_expiry("2027-01-31T18:00+01:00")
    assert with_offset.utcoffset() == timedelta(hours=1)
    assert with_offset == datetime(2027, 1, 31, 17, tzinfo=UTC)
    assert parse_expiry("2030-01-31T18:00:00.000Z") == datetime(2030, 1, 31, 18, tzinfo=UTC)


@pytest.mark.parametrize("text", ["", "tomorrow", "2027-02-30", "31/01/2027"])
def test_what_names_no_instant_is_refused_with_a_code(text: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_expiry(text)
    assert refused.value.code == "invalid_expiry"
    assert "2027-01-31" in refused.value.message
