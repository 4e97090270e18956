"""A content hash of a graph, computed alike from generated batches and from the database.

Each node and relationship is written as one canonical string (sorted labels, sorted
properties with typed values; relationships by type and the ids at both ends) and hashed; the
digests are summed modulo 2**128. The sum does not depend on the order elements arrive in, so
the database can be read back in any order, in one streaming pass, without sorting millions
of rows, and a missing, extra or changed element changes the result.
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import TYPE_CHECKING, Any

from neo4j.spatial import Point
from neo4j.time import Date

from seed.batches import NODE_LABELS, link_kind

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    import neo4j

    from seed.batches import Batch

_MODULUS = 1 << 128

_NODES = """
MATCH (n) WHERE NOT n:Migration AND NOT n:Dataset
RETURN labels(n) AS labels, properties(n) AS properties
"""
_RELATIONSHIPS = """
MATCH (a)-[r]->(b)
RETURN type(r) AS type, a.id AS start, b.id AS end, properties(r) AS properties
"""


def _value(value: Any) -> str:
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, bool):
        return "T" if value else "F"
    if isinstance(value, int):
        return f"i{value}"
    if isinstance(value, float):
        return f"f{value!r}"
    if isinstance(value, date | Date):
        return f"d{value.isoformat()}"
    if isinstance(value, Point):
        return f"p{value.srid}:" + ",".join(repr(float(c)) for c in value)
    if isinstance(value, list | tuple):
        return "[" + ",".join(_value(item) for item in value) + "]"
    raise TypeError(f"no canonical form for {type(value).__name__}")


def _properties(properties: Mapping[str, Any]) -> str:
    return ";".join(
        f"{key}={_value(value)}" for key, value in sorted(properties.items()) if value is not None
    )


class ContentDigest:
    """Accumulates nodes and relationships into the content hash."""

    def __init__(self) -> None:
        self.nodes = 0
        self.relationships = 0
        self._sum = 0

    def _add(self, element: str) -> None:
        digest = hashlib.blake2b(element.encode(), digest_size=16).digest()
        self._sum = (self._sum + int.from_bytes(digest, "big")) % _MODULUS

    def add_node(self, labels: Iterable[str], properties: Mapping[str, Any]) -> None:
        self.nodes += 1
        self._add(f"N{':'.join(sorted(labels))}{{{_properties(properties)}}}")

    def add_relationship(
        self, rel_type: str, start: str, end: str, properties: Mapping[str, Any]
    ) -> None:
        self.relationships += 1
        self._add(f"R{rel_type}|{start}|{end}{{{_properties(properties)}}}")

    def add_batch(self, batch: Batch) -> None:
        """Add every row of a generated batch, as the loader will write it."""
        link = link_kind(batch.kind)
        if link is None:
            labels = NODE_LABELS[batch.kind]
            for row in batch.rows:
                self.add_node(labels, row)
        else:
            for row in batch.rows:
                self.add_relationship(link.type, row["a"], row["b"], row["p"])

    def hexdigest(self) -> str:
        """The hash: counts and the digest sum, hashed once more."""
        summary = f"{self.nodes}|{self.relationships}|{self._sum:032x}"
        return hashlib.sha256(summary.encode()).hexdigest()


def content_hash(driver: neo4j.Driver, database: str) -> str:
    """Hash every data node and relationship in ``database`` (not ``:Migration``/``:Dataset``).

    Equal to the ``content_hash`` of the :class:`~seed.load.LoadReport` that loaded the same
    graph. Reads everything once; seconds on ``demo``, minutes on ``national``.
    """
    digest = ContentDigest()
    with driver.session(
        database=database, default_access_mode="READ", notifications_min_severity="OFF"
    ) as session:
        for record in session.run(_NODES):
            digest.add_node(record["labels"], record["properties"])
        for record in session.run(_RELATIONSHIPS):
            digest.add_relationship(
                record["type"], record["start"], record["end"], record["properties"]
            )
    return digest.hexdigest()
