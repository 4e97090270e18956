"""The photographic library: `POST /photos` uploads, `GET /photos/{id}` (and its thumbnail)
serves, under the access policy. Bytes live in a content-addressed folder, never in Neo4j.

An upload is decoded with Pillow (JPEG, PNG and WebP only, whatever the file is called),
re-encoded without its metadata (EXIF, GPS, XMP, text chunks), stored once under the SHA-256
of the stored bytes (`<sha256>.<ext>`, thumbnail `<sha256>.thumb.jpg`), and recorded as a
`Photo` node that `DEPICTS` an offender or one of its marks, as a write (graph_api/writes).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import io
import logging
import os
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from neo4j.exceptions import Neo4jError
from PIL import Image, ImageOps
from starlette.datastructures import UploadFile

from graph_api import access, cypher_files, photo_urls, writes
from graph_api.audit import Disclosure, audit_record, write_audit_record
from graph_api.db import DatabaseUnavailable
from graph_api.domain import Classification
from graph_api.errors import ApiError, BadUserInput, NotFound, OutcomeUnknown, Unavailable
from graph_api.http_guard import correlation_id, request_id
from graph_api.planner.photos import visible_photo

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from graph_api.db import Database
    from graph_api.identity import Principal
    from graph_api.settings import Settings

log = logging.getLogger("graph_api.photos")

#: Pillow format -> (media type, file extension). Nothing else is accepted.
FORMATS = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
}
EXTENSIONS = {media_type: extension for media_type, extension in FORMATS.values()}
#: Pixel modes each format is stored in; others are converted to the first.
_MODES = {"JPEG": ("RGB", "L"), "PNG": ("RGBA", "RGB", "LA", "L"), "WEBP": ("RGBA", "RGB")}
#: Larger images are refused before they are decoded (decompression bombs): 24 megapixels,
#: more than a phone's or a custody camera's photo, at most about 100 MB to decode.
MAX_PIXELS = 24_000_000
THUMBNAIL_PIXELS = 256
#: Photos hold personal data: browsers may keep no copy, and shared caches none at all.
PRIVATE = {"Cache-Control": "private, no-store"}
_NOT_AN_IMAGE = "the file is not a JPEG, PNG or WebP image"


@dataclass(frozen=True)
class CleanImage:
    """An image re-encoded without metadata, ready to store."""

    data: bytes
    thumbnail: bytes
    media_type: str
    width: int
    height: int

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def description(self) -> dict[str, Any]:
        """What a Photo node records of the image."""
        return {
            "sha256": self.sha256,
            "mediaType": self.media_type,
            "width": self.width,
            "height": self.height,
        }


def clean_image(data: bytes) -> CleanImage:
    """Decode `data` as a JPEG, PNG or WebP image and re-encode it without any metadata.

    The pixels are turned upright first (the EXIF orientation), since the EXIF goes. Only the
    first frame of an animation is kept. BAD_USER_INPUT for anything else.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                kind = image.format or ""
                if kind not in FORMATS:
                    raise BadUserInput(_NOT_AN_IMAGE)
                if image.width * image.height > MAX_PIXELS:
                    raise BadUserInput(f"the image has more than {MAX_PIXELS} pixels")
                image.load()
                upright = ImageOps.exif_transpose(image) or image
                modes = _MODES[kind]
                pixels = upright if upright.mode in modes else upright.convert(modes[0])
                # A new image from the bare pixels carries no info, EXIF, XMP or ICC data.
                bare = Image.frombytes(pixels.mode, pixels.size, pixels.tobytes())
    except (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError,
            Image.DecompressionBombWarning):  # fmt: skip
        raise BadUserInput(_NOT_AN_IMAGE) from None
    stored = io.BytesIO()
    bare.save(stored, kind, **({"quality": 90} if kind in {"JPEG", "WEBP"} else {}))
    return CleanImage(
        stored.getvalue(), _thumbnail(bare), FORMATS[kind][0], bare.width, bare.height
    )


def _thumbnail(image: Image.Image) -> bytes:
    small = image.copy()
    small.thumbnail((THUMBNAIL_PIXELS, THUMBNAIL_PIXELS))
    if small.mode in {"RGBA", "LA"}:  # JPEG has no alpha: flatten onto white
        flat = Image.new("RGB", small.size, "white")
        flat.paste(small.convert("RGBA"), mask=small.getchannel("A"))
        small = flat
    out = io.BytesIO()
    small.convert("RGB").save(out, "JPEG", quality=85)
    return out.getvalue()


class PhotoStore:
    """A folder of images named by their SHA-256: the same image is stored once."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path(self, sha256: str, media_type: str) -> Path:
        return self.folder / f"{sha256}.{EXTENSIONS[media_type]}"

    def thumbnail_path(self, sha256: str) -> Path:
        return self.folder / f"{sha256}.thumb.jpg"

    def stage(self, image: CleanImage) -> StagedImage:
        """Write the image and its thumbnail aside, not yet under their names: they are
        published (`StagedImage.publish`) only once the photo's record has committed."""
        self.folder.mkdir(parents=True, exist_ok=True)
        files = []
        try:
            for data, final in (
                (image.data, self.path(image.sha256, image.media_type)),
                (image.thumbnail, self.thumbnail_path(image.sha256)),
            ):
                fd, temporary = tempfile.mkstemp(dir=self.folder, prefix=".upload-")
                files.append((Path(temporary), final))
                with os.fdopen(fd, "wb") as file:
                    file.write(data)
        except BaseException:
            StagedImage(files).discard()
            raise
        return StagedImage(files)


@dataclass(frozen=True)
class StagedImage:
    """Files written aside, each with the name it takes when published."""

    files: list[tuple[Path, Path]]

    def publish(self) -> None:
        """Rename each file into place: a reader never sees half a file, and a second upload
        of the same content leaves the same bytes there."""
        for temporary, final in self.files:
            os.replace(temporary, final)

    def discard(self) -> None:
        """Remove the staged files: the record did not commit, so nothing is stored."""
        for temporary, _ in self.files:
            temporary.unlink(missing_ok=True)


def _refusal(error: ApiError, status: int) -> JSONResponse:
    return JSONResponse({"code": error.code, "message": error.message}, status_code=status)


_STATUS = {"UNAUTHENTICATED": 401, "FORBIDDEN": 403, "NOT_FOUND": 404, "CONFLICT": 409,
           "BAD_USER_INPUT": 400, "UNAVAILABLE": 503, "OUTCOME_UNKNOWN": 503}  # fmt: skip


def photo_routes(
    settings: Settings,
    database: Database,
    identify: Callable[[Request], Awaitable[Principal]],
) -> APIRouter:
    """The routes of the photographic library, over `database` and the configured folder."""
    store = PhotoStore(settings.graph_api_photo_dir)
    router = APIRouter()
    # Decoding takes memory in proportion to the pixels: one image at a time per process.
    decoding = asyncio.Semaphore(1)

    async def principal_of(request: Request) -> Principal:
        try:
            principal = await identify(request)
        except (DatabaseUnavailable, Neo4jError):
            raise Unavailable("the database is unavailable; try again shortly") from None
        if not principal.purpose:
            raise BadUserInput(
                "a purpose is required for offender data: send the `X-Purpose` header or a "
                "`purpose` claim in the token"
            )
        return principal

    async def audited(
        principal: Principal, request: Request, operation: str, disclosure: Disclosure
    ) -> None:
        if not settings.graph_api_audit_enabled:
            return
        try:
            await write_audit_record(
                database, principal, request_id(request), operation, None, disclosure,
                correlation_id(request),
            )  # fmt: skip
        except Exception:
            log.exception("%s: audit record not written", operation)
            raise Unavailable("the audit trail cannot be written; try again") from None

    @router.post("/photos", status_code=201)
    async def upload(request: Request) -> Response:
        """Upload a photo of an offender or a mark (multipart: file, offenderId or markId,
        takenOn, optional classification). Needs OFFENDER_MANAGER or SUPERVISOR.

        Role, scope and size are checked before the image is decoded; images are decoded one
        at a time; the files are published only once the Photo and its audit record commit
        (one transaction), so a refused or failed upload leaves nothing behind.
        """
        try:
            principal = await principal_of(request)
            writes.require_role(principal, writes.FACT_WRITERS, "uploadPhoto")
            fields, data = await _read_form(request, settings.graph_api_photo_max_bytes)
            upload = _upload_fields(fields)
            offender_id = await _photo_subject(database, principal, upload)
            async with decoding:
                image = await asyncio.to_thread(clean_image, data)
            write = writes.add_photo(
                principal, dt.date.today(), offender_id=offender_id, mark_id=upload.mark_id,
                photo=image.description, taken_on=upload.taken_on,
                classification=upload.classification,
            )  # fmt: skip

            def audit(value: Any, _record: dict[str, Any]) -> dict[str, Any]:
                disclosure = Disclosure()
                disclosure.changed("uploadPhoto", write.offender_id, write.change)
                return audit_record(
                    principal, request_id(request), "POST /photos", None, disclosure,
                    correlation_id(request),
                )  # fmt: skip

            staged = await asyncio.to_thread(store.stage, image)
            try:
                outcome = await writes.execute(
                    database, write, audit=audit if settings.graph_api_audit_enabled else None
                )
            except OutcomeUnknown:  # the Photo node may have been committed: keep its file
                await asyncio.to_thread(staged.publish)
                raise
            except BaseException:
                staged.discard()
                raise
            await asyncio.to_thread(staged.publish)
        except _TooLarge as error:
            return _refusal(BadUserInput(str(error)), 413)
        except ApiError as error:
            return _refusal(error, _STATUS.get(error.code, 400))
        except DatabaseUnavailable:
            return _refusal(Unavailable("the database is unavailable; try again shortly"), 503)
        photo = _plain_photo(outcome.value["photo"])
        return JSONResponse(photo, status_code=201, headers=PRIVATE)

    async def viewer_of(request: Request) -> Principal:
        """Who is looking: the grant of a signed URL (an <img> tag), else the bearer token."""
        if "grant" not in request.query_params:
            return await principal_of(request)
        bearer = await identify(request) if request.headers.get("authorization") else None
        return photo_urls.principal_of_grant(settings, request, bearer)

    async def serve(request: Request, photo_id: str, thumbnail: bool) -> Response:
        try:
            principal = await viewer_of(request)
            cypher, parameters = visible_photo(principal, photo_id)
            records = await database.read(cypher, parameters)
            if not records:
                # Out of scope and unknown look the same: nothing says the photo exists.
                raise NotFound(f"no photo with id '{photo_id}'")
            [found] = records
            disclosure = Disclosure()
            disclosure.saw("photo", None)
            disclosure.offender_ids.update(found["offenders"])
            await audited(principal, request, f"GET /photos/{photo_id}", disclosure)
        except ApiError as error:
            return _refusal(error, _STATUS.get(error.code, 400))
        except DatabaseUnavailable:
            return _refusal(Unavailable("the database is unavailable; try again shortly"), 503)
        if thumbnail:
            path, media_type = store.thumbnail_path(found["sha256"]), "image/jpeg"
        else:
            path, media_type = store.path(found["sha256"], found["mediaType"]), found["mediaType"]
        if not path.exists():
            log.error("photo %s: file %s is missing from the store", photo_id, path.name)
            return _refusal(NotFound(f"no photo with id '{photo_id}'"), 404)
        return FileResponse(path, media_type=media_type, headers=PRIVATE)

    @router.get("/photos/{photo_id}")
    async def photo(request: Request, photo_id: str) -> Response:
        """The stored image, to principals who may see what it depicts; 404 otherwise."""
        return await serve(request, photo_id, thumbnail=False)

    @router.get("/photos/{photo_id}/thumbnail")
    async def photo_thumbnail(request: Request, photo_id: str) -> Response:
        """A JPEG at most 256 pixels across, on the same terms as the photo."""
        return await serve(request, photo_id, thumbnail=True)

    return router


class _TooLarge(Exception):
    """The uploaded file is over the configured size cap."""


async def _read_form(request: Request, max_bytes: int) -> tuple[dict[str, str], bytes]:
    """The text fields and the file of an upload; BAD_USER_INPUT for a malformed form."""
    try:
        form = await request.form(max_files=1, max_fields=8, max_part_size=4096)
    except Exception:  # the multipart parser's errors: a malformed or unexpected body
        raise BadUserInput(
            "send multipart/form-data with `file`, `offenderId` or `markId`, and `takenOn`"
        ) from None
    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        raise BadUserInput("`file` is missing: send the image as the multipart field `file`")
    data = await upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise _TooLarge(f"the photo is larger than the photo size limit of {max_bytes} bytes")
    fields = {name: value for name, value in form.items() if isinstance(value, str)}
    return fields, data


@dataclass(frozen=True)
class _Upload:
    """The text fields of an upload, checked."""

    offender_id: str | None
    mark_id: str | None
    taken_on: dt.date
    classification: Classification


def _upload_fields(fields: dict[str, str]) -> _Upload:
    offender_id, mark_id = fields.get("offenderId") or None, fields.get("markId") or None
    if (offender_id is None) == (mark_id is None):
        raise BadUserInput("give exactly one of `offenderId` and `markId`")
    try:
        taken_on = dt.date.fromisoformat(fields.get("takenOn", ""))
    except ValueError:
        raise BadUserInput("`takenOn` must be a date, e.g. 2025-03-01") from None
    try:
        classification = Classification(fields.get("classification") or "OFFICIAL")
    except ValueError:
        raise BadUserInput(
            "`classification` must be OFFICIAL, OFFICIAL_SENSITIVE or SECRET"
        ) from None
    return _Upload(offender_id, mark_id, taken_on, classification)


async def _photo_subject(database: Database, principal: Principal, upload: _Upload) -> str:
    """The offender the photo is recorded against (for a mark, its bearer that the writer
    may add to); NOT_FOUND when there is none the writer's agency may add to."""
    parameters = access.principal_parameters(principal) | {
        "offenderId": upload.offender_id,
        "markId": upload.mark_id,
    }
    subjects = await database.read(cypher_files.write("photo_subjects"), parameters)
    if not subjects:
        what = (
            f"mark with id '{upload.mark_id}'"
            if upload.mark_id
            else (f"offender with id '{upload.offender_id}'")
        )
        raise NotFound(f"no {what} that your agency may add to")
    return str(subjects[0]["id"])


def _plain_photo(photo: dict[str, Any]) -> dict[str, Any]:
    taken_on = photo.get("takenOn")
    return {**photo, "takenOn": taken_on.iso_format() if taken_on is not None else None}
