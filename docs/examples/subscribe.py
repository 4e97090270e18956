"""Follow changes to offenders as they happen (issue 15): a minimal graphql-transport-ws client.

    .venv/bin/python docs/examples/subscribe.py http://127.0.0.1:8000 "$TOKEN" "case review" \
        off_0000042 [--after CURSOR]

It prints one JSON line per change and, on a lost connection, reconnects and resumes after the
last cursor it printed, so no change is missed or printed twice. Any graphql-transport-ws
client (the `graphql-ws` npm package, Apollo) works the same way: the token and purpose go in
the `connection_init` payload.
"""

from __future__ import annotations

import argparse
import asyncio
import json

import websockets

CHANGES = """
subscription ($ids: [ID!]!, $after: String) {
  offenderChanges(offenderIds: $ids, after: $after) {
    cursor kind at classification ids agency { code }
    offender { __typename ... on Offender { id surname riskLevel } }
  }
}
"""


async def follow(
    url: str, token: str, purpose: str, offenders: list[str], after: str | None, limit: int = 0
) -> str | None:
    """Print changes until `limit` have been printed (0: forever); return the last cursor."""
    printed = 0
    while True:
        try:
            async with websockets.connect(
                url.replace("http", "ws", 1) + "/graphql",
                subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
            ) as ws:
                init = {"authorization": f"Bearer {token}", "purpose": purpose}
                await ws.send(json.dumps({"type": "connection_init", "payload": init}))
                assert json.loads(await ws.recv())["type"] == "connection_ack"
                variables = {"ids": offenders, "after": after}
                subscribe = {"query": CHANGES, "variables": variables}
                await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": subscribe}))
                async for raw in ws:
                    message = json.loads(raw)
                    if message["type"] == "ping":
                        await ws.send(json.dumps({"type": "pong"}))
                    elif message["type"] == "next" and message["payload"].get("data"):
                        change = message["payload"]["data"]["offenderChanges"]
                        after = change["cursor"]
                        print(json.dumps(change), flush=True)
                        printed += 1
                        if printed == limit:
                            return after
                    elif message["type"] in {"next", "error"}:  # UNAVAILABLE, a bad argument
                        print(json.dumps(message["payload"]), flush=True)
                        if message["type"] == "error":
                            return after
        except (OSError, websockets.ConnectionClosedError) as lost:
            code = getattr(getattr(lost, "rcvd", None), "code", None)
            if code is not None and 4400 <= code < 4500:  # refused: a new token is needed
                raise
            await asyncio.sleep(1)  # lost: resume after the last cursor


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("token")
    parser.add_argument("purpose")
    parser.add_argument("offenders", nargs="+")
    parser.add_argument("--after", default=None, help="resume after this cursor")
    arguments = parser.parse_args()
    asyncio.run(
        follow(
            arguments.url, arguments.token, arguments.purpose, arguments.offenders, arguments.after
        )
    )


if __name__ == "__main__":
    main()
