"""Signed photo URLs (graph_api/photo_urls.py): `Photo.url` and `Photo.thumbnailUrl` load in an
<img> tag without a bearer header, for the user they were minted for, for minutes; anything
else answers 404. Each use is audited under the grant's user and purpose."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

import pytest
from test_photos import (  # the module's fixture: API-created offenders go afterwards
    _leave_the_tiny_graph_as_generated,  # noqa: F401
    bearer,
    graphql,
    jpeg_with_gps,
    new_offender,
    upload,
)
from writes.support import OWNER, rows

from graph_api.domain import Classification, Role
from graph_api.identity import Principal
from graph_api.photo_urls import signed_path

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable
    from pathlib import Path

    import httpx
    import neo4j

    from graph_api.settings import Settings

PHOTOS = "query ($id: ID!) { offender(id: $id) { photos { id url thumbnailUrl } } }"


@pytest.fixture
async def http(
    serve: Callable[..., Any], tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[httpx.AsyncClient]:
    photo_dir: Path = tmp_path_factory.mktemp("signed-photos")
    async with serve(graph_api_photo_dir=photo_dir, graph_api_photo_url_seconds=60) as client:
        yield client


async def test_a_signed_url_loads_without_a_token_for_its_user_only(
    http: httpx.AsyncClient, mint: Callable[..., str], driver: neo4j.Driver
) -> None:
    owner = bearer(mint, OWNER)
    offender_id = await new_offender(http, owner)
    photo = (await upload(http, owner, jpeg_with_gps(), offenderId=offender_id)).json()
    analyst = mint(OWNER, roles=(Role.ANALYST,), user="ann.analyst", purpose="signed url test")
    [shown] = (await graphql(http, {"Authorization": f"Bearer {analyst}"}, PHOTOS, id=offender_id))[
        "offender"
    ]["photos"]
    assert shown["url"].startswith(f"/photos/{photo['id']}?grant=")
    assert shown["thumbnailUrl"].startswith(f"/photos/{photo['id']}/thumbnail?grant=")

    image = await http.get(shown["url"])
    request_id = image.headers["x-request-id"]  # the server's id, in the audit record too
    thumbnail = await http.get(shown["thumbnailUrl"])
    assert image.status_code == 200
    assert image.headers["content-type"] == "image/jpeg"
    assert image.headers["cache-control"] == "private, no-store"
    assert thumbnail.status_code == 200
    # The same user may also send their token; anyone else's token makes it a 404.
    assert (await http.get(shown["url"], headers={"Authorization": f"Bearer {analyst}"})).is_success
    other = mint(OWNER, roles=(Role.ANALYST,), user="bob.analyst", purpose="borrowed link")
    stolen = await http.get(shown["url"], headers={"Authorization": f"Bearer {other}"})
    assert stolen.status_code == 404

    [record] = rows(
        driver,
        "MATCH (a:AuditRecord {requestId: $rid}) RETURN a.userId AS user, a.purpose AS purpose, "
        "a.offenderIds AS offenders, a.operation AS operation",
        rid=request_id,
    )
    assert record == {"user": "ann.analyst", "purpose": "signed url test",
                      "offenders": [offender_id], "operation": f"GET /photos/{photo['id']}"}  # fmt: skip


async def test_altered_expired_or_misplaced_urls_answer_404(
    http: httpx.AsyncClient, mint: Callable[..., str], settings: Settings
) -> None:
    owner = bearer(mint, OWNER)
    offender_id = await new_offender(http, owner)
    await upload(http, owner, jpeg_with_gps((9, 9, 9)), offenderId=offender_id)
    [shown] = (await graphql(http, owner, PHOTOS, id=offender_id))["offender"]["photos"]
    path, _, query = shown["url"].partition("?")
    grant, sig = parse_qs(query)["grant"][0], parse_qs(query)["sig"][0]
    flipped = sig[:-1] + ("A" if sig[-1] != "A" else "B")
    principal = Principal("x", OWNER, frozenset({Role.SUPERVISOR}), Classification.SECRET, "p")
    expired = signed_path(settings, principal, path, now=time.time() - 3600)
    forged_grant = grant[:-2] + ("AA" if not grant.endswith("AA") else "BB")
    for url in (
        f"{path}?grant={grant}&sig={flipped}",  # signature altered
        f"{path}?grant={forged_grant}&sig={sig}",  # grant altered (another user, role ...)
        f"{path}/thumbnail?grant={grant}&sig={sig}",  # signed for the photo, not the thumbnail
        f"/photos/pho_{'0' * 32}?grant={grant}&sig={sig}",  # another photo
        expired,
        path + "?grant=&sig=",
    ):
        response = await http.get(url)
        assert response.status_code == 404, url
        assert response.json()["code"] == "NOT_FOUND"
    assert urlsplit(expired).path == path


async def test_a_mutations_answer_signs_its_photo_urls_too(
    http: httpx.AsyncClient, mint: Callable[..., str]
) -> None:
    """A change answers the offender as a read does: its photos at URLs an <img> can load
    (once they were bare paths, which answer 401 without a bearer header)."""
    owner = bearer(mint, OWNER)
    offender_id = await new_offender(http, owner)
    await upload(http, owner, jpeg_with_gps((40, 90, 160)), offenderId=offender_id)
    [version] = [(await graphql(http, owner, "query ($id: ID!) { offender(id: $id) { version } }",
                                id=offender_id))["offender"]["version"]]  # fmt: skip
    changed = await graphql(
        http, owner,
        "mutation ($id: ID!, $v: Int!) { updateOffender(input: {id: $id, version: $v, "
        "riskLevel: HIGH}) { photos { url thumbnailUrl } } }",
        id=offender_id, v=version,
    )  # fmt: skip
    [shown] = changed["updateOffender"]["photos"]
    assert "?grant=" in shown["url"]
    assert "?grant=" in shown["thumbnailUrl"]
    assert (await http.get(shown["url"])).status_code == 200
    assert (await http.get(shown["thumbnailUrl"])).status_code == 200
