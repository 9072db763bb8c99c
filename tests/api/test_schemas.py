"""The OpenAPI schema carries core's enums and slide fields as they are defined in core: the web client is
generated from it, so this is where a second spelling would start."""

from __future__ import annotations

from dataclasses import fields
from enum import StrEnum
from typing import Any

import pytest

from deckchat.api.app import create_app
from deckchat.bootstrap import bootstrap
from deckchat.core.chat import NotesMode
from deckchat.core.deck import DeckFormat, DeckStatus, NotesFormat, SlideContent, Stage, Visibility
from deckchat.services.views import SlideView
from deckchat.settings import Settings

ENUMS: list[type[StrEnum]] = [Visibility, NotesMode, DeckStatus, Stage, DeckFormat, NotesFormat]


@pytest.fixture(scope="module")
def openapi(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    home = tmp_path_factory.mktemp("home")
    settings = Settings(home=home, database_url=f"sqlite:///{home / 'd.db'}")
    return create_app(bootstrap(settings)).openapi()


def _components(openapi: dict[str, Any]) -> dict[str, Any]:
    return openapi["components"]["schemas"]  # type: ignore[no-any-return]


def _ref(field: dict[str, Any]) -> str | None:
    """The component a field refers to, directly or as the non-null half of an optional."""
    for option in [field, *field.get("anyOf", [])]:
        if "$ref" in option:
            return str(option["$ref"]).rsplit("/", 1)[-1]
    return None


@pytest.mark.parametrize("enum", ENUMS, ids=lambda enum: enum.__name__)
def test_each_enum_is_one_component_with_cores_values(openapi: dict[str, Any], enum: type[StrEnum]) -> None:
    assert _components(openapi)[enum.__name__]["enum"] == [member.value for member in enum]


@pytest.mark.parametrize(
    ("model", "field", "enum"),
    [
        ("DeckOut", "visibility", Visibility),
        ("DeckOut", "notes_mode", NotesMode),
        ("DeckOut", "status", DeckStatus),
        ("DeckOut", "source_format", DeckFormat),
        ("DeckCreated", "status", DeckStatus),
        ("Progress", "stage", Stage),
        ("DeckChanges", "visibility", Visibility),
        ("DeckChanges", "notes_mode", NotesMode),
        ("NotesDocView", "format", NotesFormat),
    ],
)
def test_fields_refer_to_the_enum_instead_of_listing_values(
    openapi: dict[str, Any], model: str, field: str, enum: type[StrEnum]
) -> None:
    assert _ref(_components(openapi)[model]["properties"][field]) == enum.__name__


def test_the_upload_forms_visibility_lists_cores_values(openapi: dict[str, Any]) -> None:
    form = openapi["paths"]["/api/decks"]["post"]["requestBody"]["content"]["multipart/form-data"]
    assert form["schema"]["properties"]["visibility"]["enum"] == [v.value for v in Visibility]


def test_a_slide_goes_out_with_cores_fields_and_image_urls(openapi: dict[str, Any]) -> None:
    slide = _components(openapi)["SlideView"]
    core = [f.name for f in fields(SlideContent)]
    assert list(slide["properties"]) == [f.name for f in fields(SlideView)] == [*core, "image", "thumbnail"]
    assert _ref(_components(openapi)["SlideList"]["properties"]["slides"]["items"]) == "SlideView"
