"""Seed plans: presets, overrides and the one-line errors for bad requests."""

from __future__ import annotations

import pytest

from seed import SCALES, plan


def test_presets_give_their_offender_counts() -> None:
    assert SCALES == {"tiny": 300, "demo": 5_000, "national": 100_000, "stress": 1_000_000}
    assert plan("national", None, 1).offenders == 100_000
    assert plan(None, None, 1).scale == "tiny"


def test_an_offender_count_overrides_the_preset() -> None:
    custom = plan("demo", 1_234, 9)
    assert (custom.scale, custom.offenders, custom.seed) == ("demo", 1_234, 9)
    assert plan(None, 5_000, 0).scale == "demo"
    assert plan(None, 777, 0).scale == "custom"


def test_same_request_same_plan() -> None:
    assert plan("tiny", None, 3) == plan("tiny", None, 3)


def test_an_unknown_scale_lists_the_allowed_ones() -> None:
    with pytest.raises(ValueError, match="unknown scale 'huge'") as caught:
        plan("huge", None, 1)
    message = str(caught.value)
    assert "\n" not in message
    assert all(name in message for name in SCALES)


@pytest.mark.parametrize("offenders", [0, -5, 5_000_001])
def test_offender_counts_outside_the_range_are_refused(offenders: int) -> None:
    with pytest.raises(ValueError, match="offenders must be between 1 and 5,000,000"):
        plan(None, offenders, 1)


def test_a_negative_seed_is_refused() -> None:
    with pytest.raises(ValueError, match="seed must be zero or a positive integer"):
        plan("tiny", None, -1)
