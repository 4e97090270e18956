"""Short-lived signed photo URLs (`Photo.url`, `Photo.thumbnailUrl`): what an `<img>` tag can
load, since a browser sends no bearer header with it.

A URL carries a *grant*: the principal it was minted for (user, agency, roles, clearance,
purpose) and its expiry, HMAC-signed with a server key together with the photo id and variant.
`GET /photos/{id}` with a valid grant serves the photo as that principal would see it (the
access policy is applied again, and the read is audited under the grant's user and purpose).
An expired, altered or foreign grant, or one presented with another user's bearer token,
answers 404 like any photo the caller may not see.

The planner writes each selected URL field as the bare path (`/photos/<id>`); the Query root
signs the paths in its answer for the principal asking (`sign_photo_paths`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import TYPE_CHECKING, Any

from graph_api.domain import Classification, Role
from graph_api.errors import NotFound
from graph_api.identity import Principal, jwt_secret
from graph_api.planner.markers import TYPE_KEY
from graph_api.planner.projection import PHOTO_PATH_PREFIX

if TYPE_CHECKING:
    from starlette.requests import Request

    from graph_api.settings import Settings

__all__ = ["principal_of_grant", "sign_photo_paths", "signed_path"]


def _key(settings: Settings) -> bytes:
    secret = settings.graph_api_photo_url_secret
    base = secret.get_secret_value() if secret else jwt_secret(settings)
    # A key of its own, derived: a photo grant can never pass for a token, or the reverse.
    return hashlib.sha256(b"photo-url\0" + base.encode()).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(settings: Settings, path: str, grant: str) -> str:
    return _b64(hmac.new(_key(settings), f"{path}?{grant}".encode(), hashlib.sha256).digest())


def signed_path(
    settings: Settings, principal: Principal, path: str, now: float | None = None
) -> str:
    """`path` (`/photos/<id>` or `/photos/<id>/thumbnail`) with a grant for `principal`."""
    claims = {
        "u": principal.user_id,
        "a": principal.agency,
        "r": sorted(role.value for role in principal.roles),
        "c": principal.clearance.value,
        "p": principal.purpose,
        "e": int(now if now is not None else time.time()) + settings.graph_api_photo_url_seconds,
    }
    grant = _b64(json.dumps(claims, separators=(",", ":")).encode())
    return f"{path}?grant={grant}&sig={_signature(settings, path, grant)}"


def principal_of_grant(settings: Settings, request: Request, bearer: Principal | None) -> Principal:
    """The principal a signed photo URL was minted for; NOT_FOUND when it is not one of ours,
    has expired, or is presented by another (authenticated) user."""
    refused = NotFound("no such photo, or the link has expired")
    grant = request.query_params.get("grant", "")
    signature = request.query_params.get("sig", "")
    expected = _signature(settings, request.url.path, grant)
    if not grant or not hmac.compare_digest(signature.encode(), expected.encode()):
        raise refused
    try:
        claims: dict[str, Any] = json.loads(_unb64(grant))
        principal = Principal(
            str(claims["u"]),
            str(claims["a"]),
            frozenset(Role(role) for role in claims["r"]),
            Classification(claims["c"]),
            claims.get("p") or None,
        )
        expires = int(claims["e"])
    except (ValueError, KeyError, TypeError):
        raise refused from None
    if expires < time.time():
        raise refused
    if bearer is not None and bearer.user_id != principal.user_id:
        raise refused
    return principal


def sign_photo_paths(settings: Settings, principal: Principal, value: Any) -> None:
    """Sign, in place, every photo path in a planned answer (`Photo` maps' URL fields)."""
    if isinstance(value, list):
        for item in value:
            sign_photo_paths(settings, principal, item)
    elif isinstance(value, dict):
        photo = value.get(TYPE_KEY) == "Photo"
        for key, item in value.items():
            if photo and isinstance(item, str) and item.startswith(PHOTO_PATH_PREFIX):
                value[key] = signed_path(settings, principal, item)
            elif isinstance(item, dict | list):
                sign_photo_paths(settings, principal, item)
