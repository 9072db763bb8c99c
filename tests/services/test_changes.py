"""What a presenter may change: validation of the PATCH body, and which nulls mean what."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import TypeAdapter, ValidationError

from deckchat.core.deck import Visibility
from deckchat.services.changes import DeckChanges, sent_changes

CHANGES = TypeAdapter(DeckChanges)


def test_values_are_read_into_core_types() -> None:
    changes = CHANGES.validate_python({"visibility": "public", "expires_at": "2027-01-31"})
    assert changes["visibility"] is Visibility.PUBLIC
    assert changes["expires_at"] == datetime(2027, 1, 31, 23, 59, 59, tzinfo=UTC)  # the end of that day


def test_a_null_keeps_a_field_except_the_expiry_where_it_removes_it() -> None:
    changes = CHANGES.validate_python({"title": None, "expires_at": None, "allow_download": False})
    assert sent_changes(changes) == {"expires_at": None, "allow_download": False}


@pytest.mark.parametrize(
    "body",
    [{"visibility": "everyone"}, {"password": "short"}, {"title": ""}, {"owner_id": "someone else"}],
)
def test_bad_values_and_unknown_fields_are_refused(body: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        CHANGES.validate_python(body)
