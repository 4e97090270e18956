"""Who is asking: bearer tokens (JWT) in, a `Principal` out."""

from __future__ import annotations

import secrets
import time
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import jwt

from graph_api.domain import Classification, Role
from graph_api.errors import BadUserInput, Unauthenticated, Unavailable

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable
    from pathlib import Path

    from graph_api.settings import Settings

ALGORITHM = "HS256"
#: How long fetched JWKS keys are trusted before they are fetched again (an unknown `kid`
#: always triggers a fetch, so rotated keys are picked up at once).
JWKS_LIFESPAN_SECONDS = 300
#: How long a verified token is trusted before its signature is checked again.
VERIFIED_TOKEN_SECONDS = 30
#: Unknown `kid`s refetch the key set at most this often, so forged kids cannot flood the IdP.
JWKS_REFRESH_COOLDOWN_SECONDS = 2.0


@dataclass(frozen=True)
class Principal:
    """The person asking, on behalf of their agency, for a stated purpose (docs/design.md §4)."""

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
    return _secret_file(path, path.stat().st_mtime_ns)


@lru_cache(maxsize=4)
def _secret_file(path: Path, modified_ns: int) -> str:
    """The secret in `path` as of its modification time (read once, not on every request)."""
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
        "iss": settings.graph_api_jwt_issuer,
        "aud": settings.graph_api_jwt_audience,
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


@lru_cache(maxsize=4)
def _jwks_client(url: str) -> jwt.PyJWKClient:
    return jwt.PyJWKClient(
        url,
        cache_keys=True,
        lifespan=JWKS_LIFESPAN_SECONDS,
        timeout=5,
        cooldown_duration=JWKS_REFRESH_COOLDOWN_SECONDS,
    )


def _verification_key(settings: Settings, token: str) -> tuple[Any, list[str]]:
    """The key and algorithms a token must verify with: JWKS (RS256) when configured."""
    if settings.graph_api_jwks_url:
        try:
            signing_key = _jwks_client(settings.graph_api_jwks_url).get_signing_key_from_jwt(token)
        except jwt.PyJWKClientConnectionError:
            raise Unavailable("the token keys (JWKS) cannot be fetched; try again") from None
        except (jwt.PyJWKClientError, jwt.DecodeError):
            raise Unauthenticated("the token is not signed by a known key") from None
        return signing_key.key, ["RS256"]
    return jwt_secret(settings), [ALGORITHM]


class _VerifiedTokens:
    """Claims of tokens verified in the last VERIFIED_TOKEN_SECONDS, by token and verifier.

    A client sends the same token with every request; checking its signature each time cost
    about 5% of the API's CPU. Expiry is still checked on every use, and a token is verified
    afresh after a short while, so a key withdrawn from the JWKS stops its tokens soon.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self.entries: OrderedDict[tuple[str, ...], tuple[dict[str, Any], float]] = OrderedDict()

    def get(self, key: tuple[str, ...]) -> dict[str, Any] | None:
        entry = self.entries.get(key)
        if entry is None or time.monotonic() - entry[1] > VERIFIED_TOKEN_SECONDS:
            return None
        return entry[0]

    def put(self, key: tuple[str, ...], claims: dict[str, Any]) -> None:
        self.entries[key] = (claims, time.monotonic())
        if len(self.entries) > self.size:
            self.entries.popitem(last=False)


_verified = _VerifiedTokens(4_096)


#: Longest purpose a request may state (header or claim); it is kept in every audit record.
MAX_PURPOSE_CHARACTERS = 500


def principal_from_token(settings: Settings, token: str, purpose_header: str | None) -> Principal:
    """Verify the token (signature, issuer, audience, expiry) and read the Principal from it.

    Blocking when a JWKS must be fetched: call it from a worker thread in async code.
    """
    verifier = settings.graph_api_jwks_url or jwt_secret(settings)
    cache_key = (token, verifier, settings.graph_api_jwt_audience, settings.graph_api_jwt_issuer)
    claims = _verified.get(cache_key)
    if claims is None:
        claims = _checked_claims(_verified_claims(settings, token))
        _verified.put(cache_key, claims)
    elif claims["exp"] <= time.time():
        raise Unauthenticated("the token has expired; obtain a new one")
    try:
        roles = frozenset(Role(role) for role in claims.get("roles", []))
        clearance = Classification(claims["clearance"])
    except (KeyError, ValueError, TypeError):
        raise Unauthenticated("the token lacks a valid agency, roles or clearance claim") from None
    purpose = (purpose_header or claims.get("purpose") or "").strip() or None
    if purpose is not None and len(purpose) > MAX_PURPOSE_CHARACTERS:
        raise BadUserInput(
            f"the purpose must be at most {MAX_PURPOSE_CHARACTERS} characters; got {len(purpose)}"
        )
    return Principal(claims["sub"], claims["agency"], roles, clearance, purpose)


#: The JSON type each claim must have, when present (`exp`, `sub` and `agency` must be).
_CLAIM_TYPES: dict[str, tuple[type, ...]] = {
    "exp": (int, float),
    "iat": (int, float),
    "nbf": (int, float),
    "sub": (str,),
    "agency": (str,),
    "clearance": (str,),
    "purpose": (str,),
    "roles": (list,),
}


def _checked_claims(claims: dict[str, Any]) -> dict[str, Any]:
    """The claims, when each has its JSON type (a numeric string is not a time, a number is
    not a purpose); UNAUTHENTICATED naming the first claim that does not."""
    for name, types in _CLAIM_TYPES.items():
        value = claims.get(name)
        if name in {"exp", "sub", "agency"} and value is None:
            raise Unauthenticated(f"the token has no `{name}` claim")
        if value is not None and (isinstance(value, bool) or not isinstance(value, types)):
            raise Unauthenticated(f"the token's `{name}` claim has the wrong type")
    if not all(isinstance(role, str) for role in claims.get("roles") or []):
        raise Unauthenticated("the token's `roles` claim must be a list of role names")
    if not claims["sub"].strip() or not claims["agency"].strip():
        raise Unauthenticated("the token's `sub` and `agency` claims must not be empty")
    return claims


def _verified_claims(settings: Settings, token: str) -> dict[str, Any]:
    key, algorithms = _verification_key(settings, token)
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            key,
            algorithms=algorithms,
            audience=settings.graph_api_jwt_audience,
            issuer=settings.graph_api_jwt_issuer,
            options={"require": ["exp", "iss", "aud", "sub"]},
        )
    except jwt.ExpiredSignatureError:
        raise Unauthenticated("the token has expired; obtain a new one") from None
    except jwt.InvalidTokenError:
        raise Unauthenticated("the token is not valid (signature, issuer or audience)") from None
    return claims


def token_expiry(authorization: str) -> float | None:
    """When the bearer token of a verified `Authorization` value expires (epoch seconds)."""
    token = authorization.partition(" ")[2].strip()
    claims = jwt.decode(token, options={"verify_signature": False})
    expiry = claims.get("exp")
    return float(expiry) if isinstance(expiry, int | float) else None


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


class AgencyRegistry:
    """The agency codes that exist, read from the database and refreshed now and then.

    A token naming an agency the register does not know is refused as UNAUTHENTICATED.
    """

    def __init__(self, load: Callable[[], Awaitable[set[str]]], ttl_seconds: float = 60) -> None:
        self._load = load
        self._ttl = ttl_seconds
        self._codes: set[str] = set()
        self._loaded_at = float("-inf")

    async def check(self, principal: Principal) -> Principal:
        """The principal, if its agency exists; UNAUTHENTICATED otherwise."""
        age = time.monotonic() - self._loaded_at
        # An unknown code reloads at most every few seconds: new agencies appear quickly, and
        # tokens naming nonsense cannot make every request read the database.
        if age > self._ttl or (principal.agency not in self._codes and age > 5):
            self._codes = await self._load()
            self._loaded_at = time.monotonic()
        if principal.agency not in self._codes:
            raise Unauthenticated(f"the token's agency '{principal.agency}' is not known")
        return principal
