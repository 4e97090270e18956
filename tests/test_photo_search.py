"""Photographs on identification cards and in the gallery (issue 10): OFFICIAL only for an
out-of-scope offender, and only for NATIONAL_SEARCH; everything within scope for the manager."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from test_photos import bearer, graphql, jpeg_with_gps, new_offender, upload
from writes.support import OUTSIDER, OWNER, delete_api_created

from graph_api.domain import Role

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable, Iterator
    from pathlib import Path

    import httpx
    import neo4j

WORD = "zebracorn"  # a word no seeded mark uses

GALLERY = """
query ($text: String!) { searchPhotos(text: $text, bodyPart: "arm", first: 50) {
  subject photo { id } mark { id photos { id } }
  nominal { __typename ... on Offender { id photos { id } }
    ... on RestrictedNominal { id card { photos { id } marks { id photos { id } } } } } } }
"""


@pytest.fixture(scope="module", autouse=True)
def _leave_the_tiny_graph_as_generated(
    driver: neo4j.Driver, tiny_graph: dict[str, Any]
) -> Iterator[None]:
    del tiny_graph
    yield
    delete_api_created(driver)


@pytest.fixture
async def http(
    serve: Callable[..., Any], tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[httpx.AsyncClient]:
    photo_dir: Path = tmp_path_factory.mktemp("gallery")
    async with serve(graph_api_photo_dir=photo_dir) as client:
        yield client


async def test_cards_and_gallery_show_only_official_photographs(
    http: httpx.AsyncClient, mint: Callable[..., str]
) -> None:
    owner = bearer(mint, OWNER)
    offender_id = await new_offender(http, owner)
    added = await graphql(
        http, owner,
        "mutation ($input: AddMarkInput!) { addMark(input: $input) { marks { edges { mark { id } } } } }",
        input={"offenderId": offender_id, "type": "TATTOO", "bodyPart": "left forearm",
               "description": f"a {WORD} leaping", "from": "2024-01-01"},
    )  # fmt: skip
    mark_id = added["addMark"]["marks"]["edges"][0]["mark"]["id"]
    photos = {}
    for name, colour, fields in (
        ("face", (10, 20, 30), {"offenderId": offender_id}),
        ("secret face", (40, 50, 60), {"offenderId": offender_id, "classification": "SECRET"}),
        ("mark", (70, 80, 90), {"markId": mark_id}),
        ("secret mark", (100, 110, 120), {"markId": mark_id, "classification": "SECRET"}),
    ):
        response = await upload(http, owner, jpeg_with_gps(colour), **fields)
        assert response.status_code == 201, response.text
        photos[name] = response.json()["id"]

    national = bearer(mint, OUTSIDER, Role.ANALYST, Role.NATIONAL_SEARCH)
    hits = (await graphql(http, national, GALLERY, text=WORD))["searchPhotos"]
    assert {(h["subject"], h["photo"]["id"]) for h in hits} == {
        ("FACE", photos["face"]),
        ("MARK", photos["mark"]),
    }
    stub = hits[0]["nominal"]
    assert stub["__typename"] == "RestrictedNominal"
    assert [p["id"] for p in stub["card"]["photos"]] == [photos["face"]]
    assert stub["card"]["marks"] == [{"id": mark_id, "photos": [{"id": photos["mark"]}]}]
    for hit in hits:
        if hit["mark"] is not None:
            assert hit["mark"]["photos"] == [{"id": photos["mark"]}]

    manager = (await graphql(http, owner, GALLERY, text=WORD))["searchPhotos"]
    assert {h["photo"]["id"] for h in manager} == set(photos.values())
    assert {h["nominal"]["__typename"] for h in manager} == {"Offender"}

    plain = bearer(mint, OUTSIDER, Role.ANALYST)
    assert (await graphql(http, plain, GALLERY, text=WORD))["searchPhotos"] == []
