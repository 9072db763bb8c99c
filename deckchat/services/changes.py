"""What a presenter may change about a deck: one definition, the API's PATCH body and DeckService's input.

A TypedDict rather than a model because a field left out ("keep it") differs from one sent as null
(``expires_at: null`` removes the expiry); pydantic validates it and FastAPI documents it as is.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, cast

from pydantic import BeforeValidator, ConfigDict, Field, with_config
from typing_extensions import TypedDict  # pydantic reads TypedDicts from typing only on Python 3.12+

from deckchat.core.chat import NotesMode
from deckchat.core.deck import Visibility
from deckchat.core.errors import InvalidInput
from deckchat.core.expiry import parse_expiry


def _expiry(value: Any) -> Any:
    """Text goes through core's expiry reading (a bare date is the end of that day), as the CLI's does."""
    if not isinstance(value, str):
        return value
    try:
        return parse_expiry(value)
    except InvalidInput as exc:
        raise ValueError(exc.message) from None


# Still a date-time in the OpenAPI schema; only the reading of a bare date or a zoneless time is ours.
Expiry = Annotated[datetime | None, BeforeValidator(_expiry)]


@with_config(ConfigDict(extra="forbid"))
class DeckChanges(TypedDict, total=False):
    """The fields of a deck a presenter may change; those left out stay as they are."""

    title: Annotated[str | None, Field(min_length=1, max_length=300)]
    description: Annotated[str | None, Field(max_length=5000)]
    visibility: Visibility | None
    password: Annotated[
        str | None,
        Field(min_length=8, max_length=1000, description="The password viewers enter (password visibility)."),
    ]  # stored as an argon2 hash; the password visibility needs one
    expires_at: Annotated[
        Expiry, Field(description="When the link stops working for viewers; send null to remove the expiry.")
    ]
    notes_mode: NotesMode | None
    allow_download: bool | None


def sent_changes(changes: DeckChanges) -> DeckChanges:
    """The changes to make: a null means "keep it", except for the expiry, where it means "none"."""
    return cast(
        DeckChanges,
        {name: value for name, value in changes.items() if value is not None or name == "expires_at"},
    )
