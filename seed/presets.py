"""Named dataset sizes and the validated plan a seed run follows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

SCALES: dict[str, int] = {
    "tiny": 300,
    "demo": 5_000,
    "national": 100_000,
    "stress": 1_000_000,
}
MAX_OFFENDERS = 5_000_000


@dataclass(frozen=True)
class SeedPlan:
    """What to generate: a scale name, how many offenders, and the seed that fixes the rest.

    ``today`` anchors every date (current links, expired and future shares), so the same
    plan made on the same day always yields the same dataset.
    """

    scale: str
    offenders: int
    seed: int
    today: date = field(default_factory=date.today)


def plan(scale: str | None, offenders: int | None, seed: int) -> SeedPlan:
    """Validate a seed request; ``offenders`` overrides the scale's count.

    >>> plan("tiny", None, 7).offenders
    300

    Raises:
        ValueError: for an unknown scale, an offender count outside 1-5,000,000 or a
            negative seed; the message is one line saying what is allowed.
    """
    if scale is not None and scale not in SCALES:
        allowed = ", ".join(f"{name} ({count:,})" for name, count in SCALES.items())
        raise ValueError(f"unknown scale {scale[:40]!r}; choose one of: {allowed}")
    if offenders is not None and not 0 < offenders <= MAX_OFFENDERS:
        raise ValueError(f"offenders must be between 1 and {MAX_OFFENDERS:,}, not {offenders}")
    if seed < 0:
        raise ValueError(f"seed must be zero or a positive integer, not {seed}")
    if offenders is None:
        offenders = SCALES[scale or "tiny"]
    if scale is None:
        scale = next((name for name, count in SCALES.items() if count == offenders), "custom")
    return SeedPlan(scale=scale, offenders=offenders, seed=seed)
