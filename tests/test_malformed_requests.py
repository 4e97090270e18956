"""Malformed requests answer 400 (or UNAUTHENTICATED), never 500 or a dropped connection
(issue 12, item 8; graph_api/request_body.py)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import jwt
import pytest

from graph_api.request_body import MAX_NESTING

if TYPE_CHECKING:
    from collections.abc import Callable

    import httpx

    from graph_api.settings import Settings

JSON = {"Content-Type": "application/json"}

MALFORMED_BODIES = {
    "a string": b'"{ me { userId } }"',
    "a number": b"42",
    "null": b"null",
    "true": b"true",
    "invalid UTF-8": b'{"query": "{ me { userId } }\xff\xfe"}',
    "truncated JSON": b'{"query": "{ me { userId } }"',
    "a huge number literal": b'{"query": "{ me { userId } }", "variables": {"n": '
    + b"9" * 50_000
    + b"}}",
    "variables nested 20,000 deep": b'{"query": "{ me { userId } }", "variables": {"v": '
    + b"[" * 20_000
    + b"]" * 20_000
    + b"}}",
    "an object nested 5,000 deep": b'{"a":' * 5_000 + b"1" + b"}" * 5_000,
    "variables that are a list": b'{"query": "{ me { userId } }", "variables": [1, 2]}',
    "a query that is a number": b'{"query": 7}',
    "an operation name that is an object": b'{"query": "{ me { userId } }", "operationName": {}}',
}


@pytest.mark.parametrize("body", MALFORMED_BODIES.values(), ids=MALFORMED_BODIES.keys())
async def test_a_malformed_body_is_400(
    client: httpx.AsyncClient, mint: Callable[..., str], body: bytes
) -> None:
    headers = JSON | {"Authorization": f"Bearer {mint('MET')}"}
    response = await client.post("/graphql", content=body, headers=headers)
    assert 400 <= response.status_code < 500, response.text
    assert "Traceback" not in response.text


async def test_nesting_within_the_limit_is_read(
    client: httpx.AsyncClient, mint: Callable[..., str]
) -> None:
    nested: Any = 1
    for _ in range(MAX_NESTING - 2):
        nested = [nested]
    response = await client.post(
        "/graphql",
        json={"query": "{ me { userId } }", "variables": {"unused": nested}},
        headers={"Authorization": f"Bearer {mint('MET')}"},
    )
    assert response.json() == {"data": {"me": {"userId": "tester"}}}


@pytest.mark.parametrize("purpose", [7, ["a", "b"], {"why": "x"}, True])
async def test_a_purpose_claim_that_is_not_a_string_is_unauthenticated(
    client: httpx.AsyncClient, settings: Settings, purpose: object
) -> None:
    now = int(time.time())
    claims = {
        "iss": settings.graph_api_jwt_issuer, "aud": settings.graph_api_jwt_audience,
        "sub": "u1", "iat": now, "exp": now + 300, "agency": "MET", "roles": ["ANALYST"],
        "clearance": "OFFICIAL", "purpose": purpose,
    }  # fmt: skip
    assert settings.graph_api_jwt_secret is not None
    token = jwt.encode(claims, settings.graph_api_jwt_secret.get_secret_value(), "HS256")
    response = await client.post(
        "/graphql",
        json={"query": "{ me { userId purpose } }"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 401  # refused before any GraphQL work
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert "`purpose` claim" in error["message"]
