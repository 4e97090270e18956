"""The photographic library: uploads checked by decoding, stripped of EXIF and GPS, stored once
by content, and served only to principals who may see what they depict (404 to anyone else)."""

from __future__ import annotations

import io
import json
import random
import uuid
from typing import TYPE_CHECKING, Any

import pytest
from PIL import ExifTags, Image
from writes.support import OUTSIDER, OWNER, PARTNER, delete_api_created, offender_input, rows

from graph_api.domain import Role

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable, Iterator
    from pathlib import Path

    import httpx
    import neo4j

MAX_BYTES = 200_000


@pytest.fixture(scope="module", autouse=True)
def _leave_the_tiny_graph_as_generated(
    driver: neo4j.Driver, tiny_graph: dict[str, Any]
) -> Iterator[None]:
    del tiny_graph
    yield
    delete_api_created(driver)


@pytest.fixture(scope="module")
def photo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("photos")


@pytest.fixture
async def http(serve: Callable[..., Any], photo_dir: Path) -> AsyncIterator[httpx.AsyncClient]:
    async with serve(graph_api_photo_dir=photo_dir, graph_api_photo_max_bytes=MAX_BYTES) as client:
        yield client


def bearer(mint: Callable[..., str], agency: str, *roles: Role) -> dict[str, str]:
    token = mint(agency, roles=roles or (Role.OFFENDER_MANAGER,), purpose="photo test")
    return {"Authorization": f"Bearer {token}"}


async def graphql(
    http: httpx.AsyncClient, headers: dict[str, str], query: str, **variables: Any
) -> Any:
    response = await http.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers
    )
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


async def new_offender(http: httpx.AsyncClient, headers: dict[str, str]) -> str:
    data = await graphql(
        http, headers,
        "mutation ($input: CreateOffenderInput!) { createOffender(input: $input) { id } }",
        input=offender_input(surname="Photographed"),
    )  # fmt: skip
    offender_id: str = data["createOffender"]["id"]
    return offender_id


def jpeg_with_gps(
    colour: tuple[int, int, int] = (200, 30, 30), size: tuple[int, int] = (640, 480)
) -> bytes:
    """A real JPEG whose EXIF names a camera, an owner and a GPS position."""
    image = Image.new("RGB", size, colour)
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "SpyCam"
    exif[ExifTags.Base.Artist] = "Officer Secret"
    exif[ExifTags.Base.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (51.0, 30.0, 12.5),
        ExifTags.GPS.GPSLongitudeRef: "W",
        ExifTags.GPS.GPSLongitude: (0.0, 7.0, 39.0),
    }
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, quality=95)
    return out.getvalue()


def _encoded(image: Image.Image, kind: str) -> bytes:
    out = io.BytesIO()
    image.save(out, kind)
    return out.getvalue()


def image_bytes(kind: str, size: tuple[int, int] = (300, 200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA" if kind != "JPEG" else "RGB", size, (10, 120, 200)).save(out, kind)
    return out.getvalue()


async def upload(
    http: httpx.AsyncClient, headers: dict[str, str], data: bytes, filename: str = "photo.jpg",
    **fields: str,
) -> httpx.Response:  # fmt: skip
    form = {"takenOn": "2025-01-15", **fields}
    return await http.post("/photos", files={"file": (filename, data)}, data=form, headers=headers)


async def test_exif_and_gps_are_gone_after_upload(
    http: httpx.AsyncClient, mint: Callable[..., str]
) -> None:
    owner = bearer(mint, OWNER)
    offender_id = await new_offender(http, owner)
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    response = await upload(http, owner, original, offenderId=offender_id)
    assert response.status_code == 201, response.text
    photo = response.json()
    assert photo["mediaType"] == "image/jpeg"
    assert (photo["width"], photo["height"]) == (640, 480)
    served = await http.get(f"/photos/{photo['id']}", headers=owner)
    assert served.status_code == 200
    assert served.headers["content-type"] == "image/jpeg"
    assert served.headers["cache-control"] == "private, no-store"
    stored = Image.open(io.BytesIO(served.content))
    assert stored.format == "JPEG"
    assert stored.size == (640, 480)
    assert not stored.getexif()
    assert b"Exif" not in served.content
    assert b"SpyCam" not in served.content
    assert b"Officer Secret" not in served.content
    thumbnail = await http.get(f"/photos/{photo['id']}/thumbnail", headers=owner)
    assert thumbnail.status_code == 200
    assert thumbnail.headers["cache-control"] == "private, no-store"
    small = Image.open(io.BytesIO(thumbnail.content))
    assert small.format == "JPEG"
    assert max(small.size) == 256
    data = await graphql(
        http, owner, "query ($id: ID!) { offender(id: $id) { photos { id sha256 mediaType width height takenOn } } }",
        id=offender_id,
    )  # fmt: skip
    assert data["offender"]["photos"] == [photo]


async def test_each_upload_is_its_own_photo_over_one_stored_file(
    http: httpx.AsyncClient, mint: Callable[..., str], photo_dir: Path, driver: neo4j.Driver
) -> None:
    """The same bytes from two uploads (even by two agencies) are two Photos, each with its
    own id, agency and date, over one stored file: no upload answers with another's photo."""
    owner, partner_writer = bearer(mint, OWNER), bearer(mint, OUTSIDER)
    first_offender = await new_offender(http, owner)
    second_offender = await new_offender(http, partner_writer)
    picture = jpeg_with_gps((20, 200, 20))
    first = (await upload(http, owner, picture, offenderId=first_offender)).json()
    other = (
        await upload(http, partner_writer, picture, filename="copy.jpeg",
                     offenderId=second_offender, takenOn="2025-02-02")
    ).json()  # fmt: skip
    assert first["sha256"] == other["sha256"]
    assert first["id"] != other["id"]
    assert (first["takenOn"], other["takenOn"]) == ("2025-01-15", "2025-02-02")
    assert sorted(p.name for p in photo_dir.glob(f"{first['sha256']}*")) == [
        f"{first['sha256']}.jpg", f"{first['sha256']}.thumb.jpg"
    ]  # fmt: skip
    stored = rows(
        driver,
        "MATCH (p:Photo {sha256: $sha})-[d:DEPICTS]->() RETURN p.id AS id, d.agency AS agency "
        "ORDER BY agency",
        sha=first["sha256"],
    )
    assert {(r["id"], r["agency"]) for r in stored} == {
        (first["id"], OWNER), (other["id"], OUTSIDER)
    }  # fmt: skip
    # Each agency reaches only its own upload.
    assert (await http.get(f"/photos/{other['id']}", headers=owner)).status_code == 404


def _staged(photo_dir: Path) -> list[str]:
    return sorted(p.name for p in photo_dir.iterdir()) if photo_dir.exists() else []


async def test_a_refused_upload_is_refused_before_decoding_and_stores_nothing(
    http: httpx.AsyncClient, mint: Callable[..., str], photo_dir: Path, driver: neo4j.Driver
) -> None:
    """An ANALYST (who may not upload), an unknown offender and an offender out of scope are
    refused before the image is decoded (a 12,000 x 12,000 PNG would otherwise be), and no
    file or Photo is left behind."""
    owner = bearer(mint, OWNER)
    offender_id = await new_offender(http, owner)
    before = _staged(photo_dir)
    out = io.BytesIO()
    Image.new("L", (5_000, 5_000)).save(out, "PNG")  # 25 megapixels in a few KB
    bomb = out.getvalue()
    analyst = bearer(mint, OWNER, Role.ANALYST)
    refused = [
        (await upload(http, analyst, bomb, offenderId=offender_id), 403, "FORBIDDEN"),
        (await upload(http, owner, bomb, offenderId="off_" + "0" * 32), 404, "NOT_FOUND"),
        (await upload(http, bearer(mint, OUTSIDER), bomb, offenderId=offender_id), 404,
         "NOT_FOUND"),
        (await upload(http, owner, bomb, offenderId=offender_id), 400, "BAD_USER_INPUT"),
    ]  # fmt: skip
    for response, status, code in refused:
        assert (response.status_code, response.json()["code"]) == (status, code), response.text
    assert "pixels" in refused[-1][0].json()["message"]  # decoded only when allowed, then refused
    assert _staged(photo_dir) == before
    [count] = rows(
        driver, "MATCH (p:Photo)-[:DEPICTS]->(:Offender {id: $id}) RETURN count(p) AS n",
        id=offender_id,
    )  # fmt: skip
    assert count == {"n": 0}


@pytest.mark.parametrize(("kind", "media_type"), [("PNG", "image/png"), ("WEBP", "image/webp")])
async def test_png_and_webp_are_accepted_whatever_their_name(
    http: httpx.AsyncClient, mint: Callable[..., str], kind: str, media_type: str
) -> None:
    owner = bearer(mint, OWNER)
    offender_id = await new_offender(http, owner)
    response = await upload(
        http, owner, image_bytes(kind), filename="image.jpg", offenderId=offender_id
    )
    assert response.status_code == 201, response.text
    assert response.json()["mediaType"] == media_type
    served = await http.get(f"/photos/{response.json()['id']}", headers=owner)
    assert served.headers["content-type"] == media_type
    assert Image.open(io.BytesIO(served.content)).format == kind


async def test_what_is_not_an_image_is_refused(
    http: httpx.AsyncClient, mint: Callable[..., str], photo_dir: Path
) -> None:
    owner = bearer(mint, OWNER)
    offender_id = await new_offender(http, owner)
    stored_before = sorted(photo_dir.iterdir())
    cases = {
        "text renamed .jpg": b"This is a text file, not a photo.\n" * 20,
        "truncated JPEG": jpeg_with_gps()[:600],
        "GIF": _encoded(Image.new("P", (10, 10)), "GIF"),
    }
    for case, data in cases.items():
        response = await upload(http, owner, data, filename="evidence.jpg", offenderId=offender_id)
        assert response.status_code == 400, (case, response.text)
        assert response.json()["code"] == "BAD_USER_INPUT", case
    assert sorted(photo_dir.iterdir()) == stored_before


async def test_an_oversized_upload_is_refused(
    http: httpx.AsyncClient, mint: Callable[..., str]
) -> None:
    owner = bearer(mint, OWNER)
    offender_id = await new_offender(http, owner)
    noise = Image.frombytes("RGB", (280, 280), random.Random(7).randbytes(280 * 280 * 3))
    out = io.BytesIO()
    noise.save(out, "PNG")
    assert MAX_BYTES < len(out.getvalue()) < MAX_BYTES + 64 * 1024
    response = await upload(http, owner, out.getvalue(), offenderId=offender_id)
    assert response.status_code == 413
    assert response.json()["code"] == "BAD_USER_INPUT"
    assert str(MAX_BYTES) in response.json()["message"]


async def test_bad_form_fields_are_refused(
    http: httpx.AsyncClient, mint: Callable[..., str]
) -> None:
    owner = bearer(mint, OWNER)
    offender_id = await new_offender(http, owner)
    picture = jpeg_with_gps()
    for fields, word in [
        ({"offenderId": offender_id, "takenOn": "2025-02-30"}, "takenOn"),
        ({"offenderId": offender_id, "takenOn": "2999-01-01"}, "takenOn"),
        ({"takenOn": "2025-01-01"}, "offenderId"),
        ({"offenderId": offender_id, "classification": "TOP_SECRET"}, "classification"),
    ]:
        response = await upload(http, owner, picture, **fields)
        assert response.status_code == 400, response.text
        assert word in response.json()["message"]
    unknown = await upload(http, owner, picture, offenderId="off_" + "0" * 32)
    assert (unknown.status_code, unknown.json()["code"]) == (404, "NOT_FOUND")
    analyst = await upload(http, bearer(mint, OWNER, Role.ANALYST), picture, offenderId=offender_id)
    assert (analyst.status_code, analyst.json()["code"]) == (403, "FORBIDDEN")
    anonymous = await upload(http, {}, picture, offenderId=offender_id)
    assert (anonymous.status_code, anonymous.json()["code"]) == (401, "UNAUTHENTICATED")


async def test_photos_follow_the_access_policy(
    http: httpx.AsyncClient, mint: Callable[..., str], driver: neo4j.Driver
) -> None:
    owner = bearer(mint, OWNER)
    offender_id = await new_offender(http, owner)
    share = """mutation ($o: ID!, $a: String!) { shareOffender(offenderId: $o, agency: $a,
        ceiling: OFFICIAL, mode: READ, justification: "photo test") { id } }"""
    await graphql(http, bearer(mint, OWNER, Role.SUPERVISOR), share, o=offender_id, a=PARTNER)
    official = (await upload(http, owner, jpeg_with_gps((1, 2, 3)), offenderId=offender_id)).json()
    secret = (
        await upload(
            http, owner, jpeg_with_gps((4, 5, 6)), offenderId=offender_id, classification="SECRET"
        )
    ).json()
    partner, outsider = bearer(mint, PARTNER, Role.ANALYST), bearer(mint, OUTSIDER, Role.ANALYST)
    request_id = "photo-" + uuid.uuid4().hex
    seen = await http.get(
        f"/photos/{official['id']}", headers={**partner, "X-Request-Id": request_id}
    )
    assert seen.status_code == 200
    for headers, photo in [(partner, secret), (outsider, official), (outsider, secret)]:
        for path in (f"/photos/{photo['id']}", f"/photos/{photo['id']}/thumbnail"):
            response = await http.get(path, headers=headers)
            assert response.status_code == 404, path
            assert response.json()["code"] == "NOT_FOUND"
    unknown = await http.get("/photos/pho_" + "0" * 32, headers=owner)
    assert unknown.status_code == 404  # the same answer as a photo out of scope
    data = await graphql(
        http, partner, "query ($id: ID!) { offender(id: $id) { photos { id } } }", id=offender_id
    )
    assert data["offender"]["photos"] == [{"id": official["id"]}]
    [record] = rows(
        driver,
        "MATCH (a:AuditRecord {correlationId: $rid}) RETURN a.agency AS agency, a.fields AS fields, "
        "a.offenderIds AS offenders, a.operation AS operation",
        rid=request_id,
    )
    assert record == {"agency": PARTNER, "fields": ["photo"], "offenders": [offender_id],
                      "operation": f"GET /photos/{official['id']}"}  # fmt: skip


async def test_a_photo_of_a_mark(
    http: httpx.AsyncClient, mint: Callable[..., str], driver: neo4j.Driver
) -> None:
    owner = bearer(mint, OWNER)
    offender_id = await new_offender(http, owner)
    word = "zygodactyl" + uuid.uuid4().hex[:6]
    add_mark = """mutation ($input: AddMarkInput!) { addMark(input: $input) { marks { edges { mark { id } } } } }"""
    data = await graphql(http, owner, add_mark, input={
        "offenderId": offender_id, "type": "TATTOO", "bodyPart": "neck", "from": "2024-01-01",
        "description": f"a {word} bird"})  # fmt: skip
    mark_id = data["addMark"]["marks"]["edges"][0]["mark"]["id"]
    response = await upload(http, owner, jpeg_with_gps((9, 9, 9)), markId=mark_id)
    assert response.status_code == 201, response.text
    photo = response.json()
    search = """query ($text: String!) { searchMarks(text: $text) { edges { mark { id photos { id } } } } }"""
    data = await graphql(http, owner, search, text=word)
    assert data["searchMarks"]["edges"] == [
        {"mark": {"id": mark_id, "photos": [{"id": photo["id"]}]}}
    ]
    assert (await http.get(f"/photos/{photo['id']}", headers=owner)).status_code == 200
    outsider = bearer(mint, OUTSIDER, Role.ANALYST)
    assert (await http.get(f"/photos/{photo['id']}", headers=outsider)).status_code == 404
    elsewhere = await upload(http, bearer(mint, OUTSIDER), jpeg_with_gps((8, 8, 8)), markId=mark_id)
    assert elsewhere.status_code == 404
    [audited] = rows(
        driver,
        "MATCH (a:AuditRecord)-[:CONCERNS]->(:Offender {id: $id}) WHERE a.operation = 'POST /photos' "
        "RETURN a.changes AS changes",
        id=offender_id,
    )
    [change] = json.loads(audited["changes"])
    assert change["markId"] == mark_id
    assert change["sha256"] == photo["sha256"]
