"""The deterministic synthetic national dataset: plan it, generate it, load it, hash it."""

from __future__ import annotations

from seed.batches import Batch
from seed.fingerprint import content_hash
from seed.generate import generate
from seed.load import LoadReport, clear, database_is_empty, load
from seed.presets import SCALES, SeedPlan, plan

__all__ = [
    "SCALES",
    "Batch",
    "LoadReport",
    "SeedPlan",
    "clear",
    "content_hash",
    "database_is_empty",
    "generate",
    "load",
    "plan",
]
