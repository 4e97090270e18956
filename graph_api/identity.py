"""Who is asking: bearer tokens (JWT) in, a `Principal` out."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import jwt

from graph_api.domain import Classification, Role
from graph_api.errors import Unauthenticated

if TYPE_CHECKING:
    from graph_api.settings import Settings

ISSUER = "offender-graph-api"
AUDIENCE = "offender-graph-api"
ALGORITHM = "HS256"


@dataclass(frozen=True)
class Principal:
    """The person asking, on behalf of their agency, for a stated purpose (DESIGN.md §4)."""

    user_id: str
    agency: str
    roles: frozenset[Role]
    clearance: Classification
    purpose: str | None = None

    def has(self, role: Role) -> bool:
        return role in self.roles


def jwt_secret(settings: Settings) -> str:
    """GRAPH_API_JWT_SECRET, or a secret generated once into local state for local use."""
    if settings.graph_api_jwt_secret:
        return settings.graph_api_jwt_secret.get_secret_value()
    path = settings.graph_api_state_dir / "jwt-secret"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48) + "\n")
        path.chmod(0o600)
    return path.read_text().strip()


def mint_token(
    settings: Settings,
    *,
    user: str,
    agency: str,
    roles: list[Role],
    clearance: Classification,
    purpose: str | None = None,
    ttl_seconds: int = 8 * 3600,
) -> str:
    """A signed HS256 token for local use (`graph-api token`, tests)."""
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": user,
        "iat": now,
        "exp": now + ttl_seconds,
        "agency": agency,
        "roles": [role.value for role in roles],
        "clearance": clearance.value,
    }
    if purpose:
        claims["purpose"] = purpose
    return jwt.encode(claims, jwt_secret(settings), algorithm=ALGORITHM)


def principal_from_token(settings: Settings, token: str, purpose_header: str | None) -> Principal:
    """Verify the token (signature, issuer, audience, expiry) and read the Principal from it."""
    try:
        claims = jwt.decode(
            token,
            jwt_secret(settings),
            algorithms=[ALGORITHM],
            audience=AUDIENCE,
            issuer=ISSUER,
            options={"require": ["exp", "iss", "aud", "sub"]},
        )
    except jwt.ExpiredSignatureError:
        raise Unauthenticated("the token has expired; obtain a new one") from None
    except jwt.InvalidTokenError:
        raise Unauthenticated("the token is not valid (signature, issuer or audience)") from None
    try:
        roles = frozenset(Role(role) for role in claims.get("roles", []))
        clearance = Classification(claims["clearance"])
        agency = str(claims["agency"])
    except (KeyError, ValueError, TypeError):
        raise Unauthenticated("the token lacks a valid agency, roles or clearance claim") from None
    purpose = (purpose_header or claims.get("purpose") or "").strip() or None
    return Principal(str(claims["sub"]), agency, roles, clearance, purpose)


def principal_from_header(
    settings: Settings, authorization: str | None, purpose_header: str | None
) -> Principal:
    """The Principal of an `Authorization: Bearer <jwt>` header; UNAUTHENTICATED without one."""
    if not authorization:
        raise Unauthenticated("no bearer token; send `Authorization: Bearer <token>`")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("the Authorization header must be `Bearer <token>`")
    return principal_from_token(settings, token.strip(), purpose_header)
