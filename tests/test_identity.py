"""Identity: bearer tokens in, a Principal out; every failure is UNAUTHENTICATED."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from graph_api.app import create_app
from graph_api.errors import Unauthenticated
from graph_api.identity import JWKS_REFRESH_COOLDOWN_SECONDS, jwt_secret, principal_from_token
from graph_api.settings import Settings

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

ME = "{ me { userId agency purpose } }"


def claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    base = {
        "iss": "offender-graph-api", "aud": "offender-graph-api", "sub": "u1", "iat": now,
        "exp": now + 300, "agency": "MET", "roles": ["ANALYST"], "clearance": "OFFICIAL",
    }  # fmt: skip
    return base | overrides


def code_of(body: dict[str, Any]) -> str:
    return str(body["errors"][0]["extensions"]["code"])


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        (
            jwt.encode(claims(), "another-secret-entirely-0123456789", algorithm="HS256"),
            "signature",
        ),
        ("not.a.token", "malformed"),
        (
            jwt.encode(claims(iss="elsewhere"), "test-secret-not-for-production-0123456789"),
            "issuer",
        ),
        (
            jwt.encode(claims(aud="elsewhere"), "test-secret-not-for-production-0123456789"),
            "audience",
        ),
        (
            jwt.encode(claims(clearance="TOP"), "test-secret-not-for-production-0123456789"),
            "claims",
        ),
        (
            jwt.encode(claims(agency="NOWHERE"), "test-secret-not-for-production-0123456789"),
            "agency",
        ),
        (jwt.encode(claims(alg="none"), "", algorithm="none"), "alg none"),
    ],
)
async def test_bad_tokens_are_unauthenticated(
    graphql: Callable[..., Any], tiny_graph: dict[str, Any], token: str, reason: str
) -> None:
    body = await graphql(ME, token=token)
    assert code_of(body) == "UNAUTHENTICATED", reason
    assert body["data"] is None


async def test_expired_token_says_so(graphql: Callable[..., Any], mint: Callable[..., str]) -> None:
    body = await graphql(ME, token=mint("MET", ttl_seconds=-10))
    assert code_of(body) == "UNAUTHENTICATED"
    assert "expired" in body["errors"][0]["message"]


async def test_a_token_that_expires_after_use_is_refused(
    graphql: Callable[..., Any], mint: Callable[..., str]
) -> None:
    """Verified tokens are remembered for a while; their expiry is still checked every time."""
    token = mint("MET", ttl_seconds=2)
    assert "errors" not in await graphql(ME, token=token)
    time.sleep(2.1)
    body = await graphql(ME, token=token)
    assert code_of(body) == "UNAUTHENTICATED"
    assert "expired" in body["errors"][0]["message"]


async def test_purpose_header_is_recorded(
    graphql: Callable[..., Any], mint: Callable[..., str]
) -> None:
    body = await graphql(ME, token=mint("MET", purpose=None), headers={"X-Purpose": "visit"})
    assert body["data"]["me"]["purpose"] == "visit"


class _Keys:
    """An RSA key set served as a JWKS on loopback; rotate() swaps in a new key."""

    def __init__(self) -> None:
        self.rotate()

    def rotate(self) -> None:
        self.private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = f"k{time.monotonic_ns()}"
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.private.public_key()))
        self.jwks = {"keys": [public | {"kid": self.kid, "use": "sig", "alg": "RS256"}]}

    def token(self, **overrides: Any) -> str:
        return jwt.encode(claims(**overrides), self.private, algorithm="RS256",
                          headers={"kid": self.kid})  # fmt: skip


@pytest.fixture
def jwks() -> Iterator[tuple[_Keys, str]]:
    keys = _Keys()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            payload = json.dumps(keys.jwks).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *_: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield keys, f"http://127.0.0.1:{server.server_address[1]}/jwks.json"
    server.shutdown()


async def test_rs256_tokens_verify_against_jwks_and_follow_rotation(
    jwks: tuple[_Keys, str], driver: Any, tiny_graph: dict[str, Any]
) -> None:
    keys, url = jwks
    app = create_app(Settings(graph_api_jwks_url=url))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://a") as c:

        async def me(token: str) -> dict[str, Any]:
            response = await c.post("/graphql", json={"query": ME},
                                    headers={"Authorization": f"Bearer {token}"})  # fmt: skip
            body: dict[str, Any] = response.json()
            return body

        assert (await me(keys.token()))["data"]["me"]["userId"] == "u1"
        keys.rotate()  # a new kid: the key set is fetched again (after the refresh cooldown)
        time.sleep(JWKS_REFRESH_COOLDOWN_SECONDS + 0.1)
        assert (await me(keys.token(sub="u2")))["data"]["me"]["userId"] == "u2"
        hs256 = jwt.encode(claims(), "test-secret-not-for-production-0123456789", algorithm="HS256")
        assert code_of(await me(hs256)) == "UNAUTHENTICATED"
    await app.state.database.close()


@pytest.mark.parametrize(
    ("claim", "value"),
    [
        ("exp", "9999999999"),
        ("exp", True),
        ("sub", 42),
        ("agency", ["MET"]),
        ("purpose", 7),
        ("purpose", ["why"]),
        ("purpose", {"why": "x"}),
        ("roles", "ANALYST"),
        ("roles", [1, 2]),
        ("iat", "yesterday"),
    ],
)
def test_claims_of_the_wrong_type_are_refused_on_first_use(
    settings: Settings, claim: str, value: Any
) -> None:
    token = jwt.encode(claims(**{claim: value}), jwt_secret(settings), algorithm="HS256")
    with pytest.raises(Unauthenticated):
        principal_from_token(settings, token, None)
