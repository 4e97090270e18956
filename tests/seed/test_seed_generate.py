"""The generated batches: deterministic, streamable in order, and in the storage contract."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from datetime import date

import pytest

from graph_api.phonetic import name_keys
from graph_api.ukformats import normalise_postcode, normalise_vrm, postcode_district
from seed import Batch, SeedPlan, generate, plan
from seed.batches import NODE_LABELS, link_kind
from seed.generate import MAX_BATCH_ROWS

TODAY = date(2025, 6, 30)
ID = re.compile(r"(off|asc|adr|veh|mrk|int|ras|cnv|ntf|lic|cus|mtg|act)_\d{7}|agy_[a-z_]+")


def _tiny(seed: int = 7, offenders: int = 300) -> SeedPlan:
    return SeedPlan("tiny", offenders, seed, TODAY)


def _fingerprint(batches: list[Batch]) -> str:
    digest = hashlib.sha256()
    for batch in batches:
        digest.update(repr((batch.kind, batch.rows)).encode())
    return digest.hexdigest()


def test_the_same_plan_gives_identical_batches() -> None:
    assert _fingerprint(list(generate(_tiny()))) == _fingerprint(list(generate(_tiny())))


def test_another_seed_gives_another_dataset() -> None:
    assert _fingerprint(list(generate(_tiny(7)))) != _fingerprint(list(generate(_tiny(8))))


def test_a_plan_from_plan_is_anchored_on_today() -> None:
    assert plan("tiny", None, 1).today == date.today()


def test_links_only_point_at_nodes_already_generated() -> None:
    seen: set[str] = set()
    for batch in generate(_tiny(offenders=2_500)):
        assert 0 < len(batch.rows) <= MAX_BATCH_ROWS
        link = link_kind(batch.kind)
        if link is None:
            ids = [row["id"] for row in batch.rows]
            assert all(ID.fullmatch(i) for i in ids)
            assert not seen & set(ids)
            seen.update(ids)
        else:
            for row in batch.rows:
                assert row["a"] in seen, (batch.kind, row)
                assert row["b"] in seen, (batch.kind, row)


def test_rows_follow_the_storage_contract() -> None:
    counts: Counter[str] = Counter()
    vrms: set[str] = set()
    for batch in generate(_tiny()):
        counts[batch.kind] += len(batch.rows)
        for row in batch.rows:
            if batch.kind in ("Offender", "Associate"):
                assert row["nameKeys"] == name_keys(
                    row["forename"], row["surname"], *row["aliases"]
                )
                assert row["aliasText"] == " | ".join(row["aliases"])
                assert row["dob"] < TODAY
            if batch.kind == "Offender":
                assert re.fullmatch(r"\d\d/\d{7}[A-Z]", row["pncId"])
                assert row["version"] == 1
            if batch.kind == "Address":
                assert normalise_postcode(row["postcode"]) == row["postcode"]
                assert postcode_district(row["postcode"]) == row["postcodeDistrict"]
            if batch.kind == "Vehicle":
                assert normalise_vrm(row["vrm"]) == row["vrm"]
                vrms.add(row["vrm"])
            if batch.kind == "Intelligence":
                assert (row["handling"] == "C") == bool(row["conditions"])
    assert counts["Vehicle"] == len(vrms)
    assert counts["Agency"] == 66
    assert counts["Offender"] == 300
    assert set(counts) == {*NODE_LABELS, *(k for k in counts if "->" in k)}


@pytest.mark.parametrize("offenders", [1, 2, 37])
def test_very_small_custom_plans_still_generate(offenders: int) -> None:
    kinds = Counter(batch.kind for batch in generate(_tiny(offenders=offenders)))
    assert kinds["Offender"] == 1
    assert kinds["Offender-MANAGED_BY->Agency"] == 1
