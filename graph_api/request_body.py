"""Reads a GraphQL-over-HTTP JSON body, refusing malformed ones as the client's error (HTTP 400).

A body must be UTF-8 JSON holding one object, nested at most `MAX_NESTING` deep, with numbers
Python can hold. Anything else (a string, a number or `null` as the body, invalid UTF-8, a
4,000-digit literal, an object nested thousands deep) is a `MalformedBody` naming what is
wrong: the parser's own failures (RecursionError, ValueError) never reach the server as a 500.
"""

from __future__ import annotations

import json
import re
from typing import Any

__all__ = ["MAX_NESTING", "MalformedBody", "decode_body"]

#: Deepest nesting of arrays and objects in a body. Real requests nest a few levels (an input
#: object inside the variables); the JSON parser itself gives up near 1,000.
MAX_NESTING = 64


class MalformedBody(ValueError):
    """The body is not a GraphQL request this API can read; the message says why."""


def decode_body(data: str | bytes) -> dict[str, Any]:
    """The JSON object in `data`, or `MalformedBody`."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError:
            raise MalformedBody("the request body is not valid UTF-8") from None
    _check_nesting(data)
    try:
        value = json.loads(data)
    except json.JSONDecodeError as error:
        raise MalformedBody(f"the request body is not valid JSON ({error.msg})") from None
    except (ValueError, RecursionError):  # e.g. an integer literal of thousands of digits
        raise MalformedBody("the request body holds a number too large to read") from None
    if isinstance(value, list):
        raise MalformedBody("Batching is not enabled: send one operation as one JSON object")
    if not isinstance(value, dict):
        raise MalformedBody(
            "the request body must be a JSON object such as "
            '{"query": "...", "variables": {...}}, not '
            + ("null" if value is None else type(value).__name__.replace("str", "a string"))
        )
    return value


def _check_nesting(text: str) -> None:
    """Refuse bodies nested deeper than MAX_NESTING before parsing them. Strings are dropped
    first (a GraphQL document is full of braces), then the brackets left are counted."""
    if text.count("[") + text.count("{") <= MAX_NESTING:
        return
    depth = 0
    for bracket in _BRACKET.findall(_STRING.sub("", text)):
        depth += 1 if bracket in "[{" else -1
        if depth > MAX_NESTING:
            raise MalformedBody(
                f"the request body is nested deeper than {MAX_NESTING} levels of arrays and objects"
            )


_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_BRACKET = re.compile(r"[\[\]{}]")
