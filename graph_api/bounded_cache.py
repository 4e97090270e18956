"""A least-recently-used cache bounded by the memory its entries hold, not only by their count.

The per-document caches (parsed documents, their validation, cost and planner walk) each hold
parsed GraphQL documents, and a parsed document takes about 85 times the bytes of its text
(measured: 56 KB for a 658-character query): 512 entries of 64 KB documents would be 2.8 GB.
Each cache is therefore bounded by the estimated size of what it holds (`document_bytes`),
and what an entry gathers per set of variable values is bounded too (`VALUES_PER_DOCUMENT`).

Example:

    cache: BoundedCache[str, DocumentNode] = BoundedCache(max_bytes=32 * 2**20)
    cache.put(text, document, document_bytes(document))
"""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from graphql import Node

__all__ = [
    "CACHE_BYTES",
    "CACHE_ENTRIES",
    "VALUES_PER_DOCUMENT",
    "BoundedCache",
    "document_bytes",
]

K = TypeVar("K")
V = TypeVar("V")

#: Estimated bytes each per-document cache may hold. Four such caches stay well inside the
#: 600 MB a worker may use, whatever documents clients send.
CACHE_BYTES = 48 * 2**20
#: Most entries of each cache, however small the documents.
CACHE_ENTRIES = 512
#: Most sets of variable values remembered for one document (costs, planner walks); past it
#: the document's set is emptied and starts again.
VALUES_PER_DOCUMENT = 256

#: Bytes of a parsed document per character of its source (graphql-core nodes with locations).
_BYTES_PER_CHARACTER = 90
#: Bytes of an entry besides its document (keys, tuples, dict slots).
_ENTRY_BYTES = 1_024


def document_bytes(node: Node | None, text_length: int | None = None) -> int:
    """Estimated memory of a parsed document (or of anything holding one, given the node),
    from the length of its source text."""
    if text_length is None:
        location = getattr(node, "loc", None)
        source = getattr(location, "source", None)
        text_length = len(getattr(source, "body", "") or "")
    return _ENTRY_BYTES + text_length * _BYTES_PER_CHARACTER


class BoundedCache(Generic[K, V]):
    """An LRU mapping whose entries' estimated sizes add up to at most `max_bytes`, and whose
    count is at most `max_entries`. An entry bigger than the whole budget is not kept."""

    def __init__(self, max_bytes: int = CACHE_BYTES, max_entries: int = CACHE_ENTRIES) -> None:
        self.max_bytes = max_bytes
        self.max_entries = max_entries
        self.bytes = 0
        self._entries: OrderedDict[K, tuple[V, int]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: K) -> V | None:
        """The value of `key`, now the most recently used; None when absent."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        self._entries.move_to_end(key)
        return entry[0]

    def put(self, key: K, value: V, size: int) -> None:
        """Keep `value` under `key` (estimated `size` bytes), dropping the least recently used
        entries until the bounds hold again."""
        old = self._entries.pop(key, None)
        if old is not None:
            self.bytes -= old[1]
        if size > self.max_bytes:
            return
        self._entries[key] = (value, size)
        self.bytes += size
        while self.bytes > self.max_bytes or len(self._entries) > self.max_entries:
            _, (_, dropped) = self._entries.popitem(last=False)
            self.bytes -= dropped

    def clear(self) -> None:
        self._entries.clear()
        self.bytes = 0
