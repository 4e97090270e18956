"""Generate the synthetic national dataset as a deterministic stream of batches.

Offenders are generated in chunks. Each chunk yields its nodes, then its relationships, which
only point at nodes of this or an earlier chunk, so a loader can write batches in order. State
carried between chunks is a few integers per offender (the preferential-attachment urn, the
household addresses that past residents may share), never the rows themselves.
"""

from __future__ import annotations

import random
from array import array
from bisect import bisect
from dataclasses import dataclass, field
from datetime import date
from itertools import accumulate
from typing import TYPE_CHECKING, Any

from neo4j.spatial import WGS84Point

from graph_api.phonetic import name_keys
from seed import vocabulary as vocab
from seed.batches import Batch
from seed.mappa import MappaRecords
from seed.plates import PlateMint

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from seed.presets import SeedPlan

CHUNK_OFFENDERS = 10_000
MAX_BATCH_ROWS = 10_000

Row = dict[str, Any]

_PNC_CHECK = "ZABCDEFGHJKLMNPQRTUVWXY"
_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
_RISK_LEVELS = ("LOW", "MEDIUM", "HIGH", "VERY_HIGH")
_NODE_ORDER = (
    "Offender",
    "Associate",
    "Address",
    "Vehicle",
    "Mark",
    "Intelligence",
    "RiskAssessment",
    "Conviction",
    "NotificationRequirement",
    "LicenceCondition",
    "Custody",
    "MappaMeeting",
    "Action",
)
_LINK_ORDER = (
    "Offender-MANAGED_BY->Agency",
    "Offender-SHARED_WITH->Agency",
    "Offender-RESIDES_AT->Address",
    "Associate-RESIDES_AT->Address",
    "Offender-ASSOCIATED_WITH->Associate",
    "Associate-ASSOCIATED_WITH->Offender",
    "Offender-ASSOCIATED_WITH->Offender",
    "Offender-USES->Vehicle",
    "Associate-USES->Vehicle",
    "Offender-HAS_MARK->Mark",
    "Intelligence-ABOUT->Offender",
    "Intelligence-ABOUT->Address",
    "Intelligence-ABOUT->Vehicle",
    "Offender-ASSESSED->RiskAssessment",
    "Offender-CONVICTED_OF->Conviction",
    "Offender-MUST_NOTIFY->NotificationRequirement",
    "Offender-HELD_IN->Custody",
    "Offender-SUBJECT_TO->LicenceCondition",
    "MappaMeeting-REVIEWS->Offender",
    "MappaMeeting-AGREED->Action",
)


class _Weighted:
    """Fast repeated weighted choice from a fixed table."""

    def __init__(self, items: Sequence[Any], weights: Sequence[float]) -> None:
        self.items = tuple(items)
        self._cumulative = list(accumulate(weights))
        self._total = self._cumulative[-1]

    def pick(self, rng: random.Random) -> Any:
        return self.items[bisect(self._cumulative, rng.random() * self._total)]


def _zipf(count: int, exponent: float) -> list[float]:
    return [1.0 / (rank**exponent) for rank in range(1, count + 1)]


@dataclass
class _Offender:
    """What the rest of a chunk needs to know about one generated offender."""

    id: str
    manager: str
    town: vocab.Town
    surname: str
    previous_manager: str | None = None
    managed_from: int = 0
    sharers: list[str] = field(default_factory=list)
    address: str | None = None
    address_kind: str = "HOUSEHOLD"
    associates: list[str] = field(default_factory=list)


@dataclass
class _Premises:
    id: str
    kind: str
    residents: int


class _Generation:
    """One run of the generator; all randomness flows from ``plan.seed`` in a fixed order."""

    def __init__(self, plan: SeedPlan) -> None:
        self.plan = plan
        self.rng = random.Random(f"offender-graph:{plan.seed}")
        self.today = plan.today.toordinal()
        self.plates = PlateMint(plan.seed)
        self.counters: dict[str, int] = {}
        self.rows: dict[str, list[Row]] = {}
        self.name_keys: dict[tuple[str, ...], str] = {}

        police, probation = vocab.POLICE_FORCES, vocab.PROBATION_REGIONS
        managers = [*police, *probation, vocab.PRISON_SERVICE, vocab.NATIONAL_CRIME_AGENCY]
        weights = [
            *(0.55 * w / sum(_zipf(len(police), 1.0)) for w in _zipf(len(police), 1.0)),
            *(0.35 * w / sum(_zipf(len(probation), 0.6)) for w in _zipf(len(probation), 0.6)),
            0.07,
            0.03,
        ]
        self.managers = _Weighted(managers, weights)
        self.forces = _Weighted(police, _zipf(len(police), 1.0))
        self.forces_by_region: dict[str, _Weighted] = {}
        for region in {force.region for force in police}:
            in_region = [(i, f) for i, f in enumerate(police) if f.region == region]
            self.forces_by_region[region] = _Weighted(
                [f for _, f in in_region], [1.0 / (i + 1) for i, _ in in_region]
            )
        self.colours = _Weighted(*zip(*vocab.COLOURS, strict=True))
        self.probation_by_region = {spec.region: spec for spec in probation}
        self.share_targets = [
            vocab.PRISON_SERVICE,
            vocab.NATIONAL_CRIME_AGENCY,
            *vocab.DUTY_TO_COOPERATE,
        ]

        n = plan.offenders
        # Pick the hostel and approved-premises residents up front: they come from everywhere.
        premises_count = max(2, round(n * 0.08 / 40))
        budget = max(40, n * 3 // 10)
        occupancy = [self.rng.randint(20, 60) for _ in range(premises_count)]
        while sum(occupancy) > budget and max(occupancy) > 20:
            occupancy = [max(20, o * 9 // 10) for o in occupancy]
        self.premises: list[_Premises] = []
        self.premises_of: dict[int, int] = {}
        residents = self.rng.sample(range(n), min(n, sum(occupancy)))
        start = 0
        for index, residents_count in enumerate(occupancy):
            kind = "APPROVED_PREMISES" if index % 2 == 0 else "HOSTEL"
            self.premises.append(_Premises(self._id("adr"), kind, residents_count))
            for offender in residents[start : start + residents_count]:
                self.premises_of[offender] = index
            start += residents_count

        # A few associates everyone seems to know (an employer, a fixer): hubs of 50+ links.
        hub_count = max(3, n // 2_000)
        self.hubs = [
            (self._id("asc"), min(max(50, n // 4), int(50 * self.rng.paretovariate(1.5))))
            for _ in range(hub_count)
        ]
        self.urn = array("I")
        self.households = array("I")
        self.pairs: set[tuple[int, int]] = set()
        pnc_space = 10_000_000
        self.pnc_multiplier = 7_654_321  # coprime with 10**7, so numbers never repeat
        self.pnc_offset = self.rng.randrange(pnc_space)
        # MAPPA records draw from their own stream (seed/mappa.py), after everything above.
        partners = [*probation, vocab.PRISON_SERVICE, *vocab.DUTY_TO_COOPERATE]
        self.mappa = MappaRecords(self, plan.seed, self.today, partners)

    # --- small pieces -------------------------------------------------------------------

    def _id(self, prefix: str) -> str:
        number = self.counters.get(prefix, 0) + 1
        self.counters[prefix] = number
        return f"{prefix}_{number:07d}"

    def _add(self, kind: str, row: Row) -> None:
        self.rows.setdefault(kind, []).append(row)

    def _link(self, kind: str, start: str, end: str, props: Row) -> None:
        self.rows.setdefault(kind, []).append({"a": start, "b": end, "p": props})

    def _date(self, ordinal: int) -> date:
        return date.fromordinal(min(ordinal, self.today))

    def _classification(self) -> str:
        r = self.rng.random()
        return "OFFICIAL" if r < 0.6 else "OFFICIAL_SENSITIVE" if r < 0.9 else "SECRET"

    def _recorder(self, offender: _Offender, since: int) -> str:
        """The agency that recorded a fact: usually the manager, sometimes a sharer."""
        r = self.rng.random()
        if offender.previous_manager and since < offender.managed_from and r < 0.6:
            return offender.previous_manager
        if offender.sharers and r < 0.2:
            return self.rng.choice(offender.sharers)
        return offender.manager

    def _fact(self, offender: _Offender, since: int, until: int | None = None) -> Row:
        since = min(since, self.today)
        return {
            "from": date.fromordinal(since),
            "to": None if until is None else date.fromordinal(max(since, min(until, self.today))),
            "agency": self._recorder(offender, since),
            "classification": self._classification(),
        }

    def _keys(self, *names: str) -> str:
        if len(names) > 2:
            return name_keys(*names)
        keys = self.name_keys.get(names)
        if keys is None:
            keys = self.name_keys[names] = name_keys(*names)
        return keys

    def _person(self, gender: str, surname: str | None, age: int) -> Row:
        rng = self.rng
        pool = vocab.FEMALE_FORENAMES if gender == "FEMALE" else vocab.MALE_FORENAMES
        forename = rng.choice(pool)
        surname = surname or rng.choice(vocab.SURNAMES)
        aliases: list[str] = []
        if rng.random() < 0.25:
            aliases.append(f"{rng.choice(vocab.NICKNAMES)} {surname}")
            if rng.random() < 0.4:
                aliases.append(f"{rng.choice(pool)} {rng.choice(vocab.SURNAMES)}")
        born = self.today - int(age * 365.25) - rng.randrange(365)
        return {
            "forename": forename,
            "surname": surname,
            "aliases": aliases,
            "aliasText": " | ".join(aliases),
            "dob": date.fromordinal(born),
            "gender": gender,
            "nameKeys": self._keys(forename, surname, *aliases),
        }

    def _gender(self) -> str:
        r = self.rng.random()
        return "MALE" if r < 0.86 else "FEMALE" if r < 0.98 else "OTHER" if r < 0.99 else "UNKNOWN"

    def _address(
        self,
        town: vocab.Town,
        kind: str,
        line1: str | None = None,
        address_id: str | None = None,
    ) -> str:
        rng = self.rng
        address_id = address_id or self._id("adr")
        area = rng.choice(town.areas)
        district = f"{area}{rng.randint(1, 20 if len(area) == 1 else 29)}"
        inward = f"{rng.randrange(10)}{rng.choice(_INWARD_LETTERS)}{rng.choice(_INWARD_LETTERS)}"
        road = f"{rng.choice(vocab.SURNAMES)} {rng.choice(vocab.STREET_SUFFIXES)}"
        street = f"{rng.randint(1, 240)} {road}"
        if kind == "NO_FIXED_ABODE":
            line1 = f"No fixed abode, last known near {road}"
        self._add(
            "Address",
            {
                "id": address_id,
                "line1": line1 or street,
                "town": town.name,
                "postcode": f"{district} {inward}",
                "postcodeDistrict": district,
                "location": WGS84Point(
                    (
                        round(town.longitude + rng.gauss(0, 0.04), 6),
                        round(town.latitude + rng.gauss(0, 0.025), 6),
                    )
                ),
                "kind": kind,
            },
        )
        if kind == "HOUSEHOLD":
            self.households.append(int(address_id[4:]))
        return address_id

    # --- the stream ---------------------------------------------------------------------

    def batches(self) -> Iterator[Batch]:
        yield Batch("Agency", [self._agency(spec) for spec in vocab.AGENCIES])
        self._premises_nodes()
        for start in range(0, self.plan.offenders, CHUNK_OFFENDERS):
            self._chunk(start, min(self.plan.offenders, start + CHUNK_OFFENDERS))
            for kind in (*_NODE_ORDER, *_LINK_ORDER):
                rows = self.rows.pop(kind, [])
                for offset in range(0, len(rows), MAX_BATCH_ROWS):
                    yield Batch(kind, rows[offset : offset + MAX_BATCH_ROWS])
            if self.rows:  # pragma: no cover - a kind missing from the orders above
                raise RuntimeError(f"unordered batch kinds {sorted(self.rows)}")

    @staticmethod
    def _agency(spec: vocab.AgencySpec) -> Row:
        return {
            "id": spec.id,
            "code": spec.code,
            "name": spec.name,
            "kind": spec.kind,
            "region": spec.region,
            "publicProtectionContact": vocab.public_protection_contact(spec),
        }

    def _premises_nodes(self) -> None:
        rng = self.rng
        for premises in self.premises:
            town = self.forces.pick(rng).towns[0]
            name = rng.choice(vocab.PREMISES_NAMES)
            label = "Approved Premises" if premises.kind == "APPROVED_PREMISES" else "Hostel"
            street = f"{rng.randint(1, 240)} {rng.choice(vocab.SURNAMES)} Road"
            self._address(town, premises.kind, f"{name} {label}, {street}", premises.id)

    def _chunk(self, start: int, stop: int) -> None:
        offenders = [self._offender(i) for i in range(start, stop)]
        self._homes(start, offenders)
        for index, offender in enumerate(offenders, start):
            self._associates(index, offender)
        self._hubs(start, stop, offenders)
        self._co_offenders(start, stop, offenders)
        self._vehicles(offenders)

    def _offender(self, index: int) -> _Offender:
        rng, today = self.rng, self.today
        manager: vocab.AgencySpec = self.managers.pick(rng)
        if manager.kind == "POLICE":
            force = manager
        elif manager.kind == "PROBATION":
            force = self.forces_by_region[manager.region].pick(rng)
        else:
            force = self.forces.pick(rng)
        age = int(rng.triangular(18, 80, 32))
        person = self._person(self._gender(), None, age)
        offender = _Offender(
            self._id("off"), manager.code, rng.choice(force.towns), person["surname"]
        )
        self.urn.append(index)

        nominal = rng.choices(("RSO", "VIOLENT", "PDP", "TERRORIST"), (45, 40, 12, 3))[0]
        category = {"RSO": 1, "VIOLENT": 2, "PDP": 3, "TERRORIST": 4}[nominal]
        level = rng.choices((1, 2, 3), (80, 17, 3))[0]
        number = (index * self.pnc_multiplier + self.pnc_offset) % 10_000_000
        year = (person["dob"].year + rng.randint(16, max(16, age))) % 100
        pnc = f"{year:02d}/{number:07d}{_PNC_CHECK[int(f'{year:02d}{number:07d}') % 23]}"

        # Management: one current link, and for about one in ten an earlier, closed one.
        offender.managed_from = today - rng.randint(30, 3000)
        managed: list[tuple[str, int, int | None]] = [(manager.code, offender.managed_from, None)]
        if rng.random() < 0.1:
            previous: vocab.AgencySpec = self.managers.pick(rng)
            while previous.code == manager.code:
                previous = self.managers.pick(rng)
            offender.previous_manager = previous.code
            managed.append(
                (
                    previous.code,
                    offender.managed_from - rng.randint(200, 3000),
                    offender.managed_from - 1,
                )
            )
        for code, since, until in managed:
            self._link(
                "Offender-MANAGED_BY->Agency",
                offender.id,
                f"agy_{code.lower()}",
                {
                    "from": date.fromordinal(since),
                    "to": None if until is None else date.fromordinal(until),
                },
            )
        self._shares(offender, manager, force)

        level_name = self._assessments(offender, nominal, level)
        self._add(
            "Offender",
            {
                "id": offender.id,
                **person,
                "pncId": pnc,
                "nominalType": nominal,
                "mappaCategory": category,
                "mappaLevel": level,
                "riskLevel": level_name,
                "managingAgency": manager.code,
                "version": 1,
            },
        )
        self._marks(offender, person["dob"].toordinal())
        self.mappa.add(offender.id, manager.code, nominal, level, offender.town.name, force.code)
        return offender

    def _shares(
        self, offender: _Offender, manager: vocab.AgencySpec, force: vocab.AgencySpec
    ) -> None:
        rng, today = self.rng, self.today
        if rng.random() >= 0.3:
            return
        partner = self.probation_by_region[force.region] if manager.kind != "PROBATION" else force
        candidates = [partner, self.forces.pick(rng), *rng.sample(self.share_targets, 3)]
        chosen: list[vocab.AgencySpec] = []
        for spec in candidates:
            if spec.code != manager.code and spec not in chosen:
                chosen.append(spec)
        for spec in chosen[: rng.choices((1, 2, 3), (60, 30, 10))[0]]:
            r = rng.random()
            if r < 0.7:  # current
                since = today - rng.randint(1, 1500)
                until = None if rng.random() < 0.8 else today + rng.randint(30, 700)
                offender.sharers.append(spec.code)
            elif r < 0.85:  # expired
                until = today - rng.randint(1, 700)
                since = until - rng.randint(30, 1000)
            else:  # future: agreed, not yet started
                since = today + rng.randint(1, 180)
                until = None if rng.random() < 0.5 else since + 365
            self._link(
                "Offender-SHARED_WITH->Agency",
                offender.id,
                spec.id,
                {
                    "from": date.fromordinal(since),
                    "to": None if until is None else date.fromordinal(until),
                    "ceiling": rng.choices(
                        ("OFFICIAL", "OFFICIAL_SENSITIVE", "SECRET"), (40, 40, 20)
                    )[0],
                    "mode": "READ" if rng.random() < 0.7 else "CONTRIBUTE",
                    "justification": rng.choice(vocab.SHARE_JUSTIFICATIONS),
                },
            )

    def _assessments(self, offender: _Offender, nominal: str, mappa_level: int) -> str:
        rng, today = self.rng, self.today
        base = (
            rng.choices((0, 1, 2, 3), (30, 40, 22, 8))[0] if mappa_level == 1 else rng.randint(2, 3)
        )
        count = rng.choices((1, 2, 3), (40, 35, 25))[0]
        assessed = [today - rng.randint(30, 400)]
        for _ in range(count - 1):
            assessed.insert(0, assessed[0] - rng.randint(150, 730))
        level = base
        for position, on in enumerate(assessed):
            level = (
                min(3, max(0, base + rng.choice((-1, 0, 0, 0, 1))))
                if position < count - 1
                else base
            )
            tool = "RM2000" if nominal == "RSO" else ("ARMS" if rng.random() < 0.3 else "OASYS")
            assessment_id = self._id("ras")
            self._add(
                "RiskAssessment",
                {
                    "id": assessment_id,
                    "tool": tool,
                    "level": _RISK_LEVELS[level],
                    "assessedOn": date.fromordinal(on),
                    "nextReviewOn": date.fromordinal(on + (182 if level >= 2 else 365)),
                },
            )
            until = assessed[position + 1] - 1 if position < count - 1 else None
            self._link(
                "Offender-ASSESSED->RiskAssessment",
                offender.id,
                assessment_id,
                self._fact(offender, on, until),
            )
        return _RISK_LEVELS[level]

    def _marks(self, offender: _Offender, born: int) -> None:
        rng = self.rng
        for _ in range(rng.choices((0, 1, 2, 3, 4), (25, 30, 22, 13, 10))[0]):
            mark_type = rng.choices(
                ("TATTOO", "SCAR", "PIERCING", "MARK", "BIRTHMARK", "DEFORMITY"),
                (55, 25, 8, 6, 3, 3),
            )[0]
            orientation: str | None = None
            if mark_type == "PIERCING":
                part = rng.choice(vocab.PIERCING_PARTS)
            elif mark_type == "MARK":
                text, part = rng.choice(vocab.OTHER_MARKS)
            elif mark_type == "DEFORMITY":
                text, part = rng.choice(vocab.DEFORMITIES)
            else:
                part = rng.choice(vocab.PAIRED_PARTS if rng.random() < 0.7 else vocab.CENTRAL_PARTS)
            side = rng.choice(("LEFT", "RIGHT")) if part in vocab.PAIRED_PARTS else "CENTRE"
            where = part if side == "CENTRE" else f"{side.lower()} {part}"
            if mark_type == "TATTOO":
                orientation = rng.choice((None, *vocab.ORIENTATIONS))
                subject = rng.choice(vocab.TATTOO_SUBJECTS)
                text = f"tattoo of {subject}{rng.choice(vocab.TATTOO_STYLES)}"
            elif mark_type == "SCAR":
                orientation = rng.choice(vocab.ORIENTATIONS)
                text = f"{rng.randint(1, 15)}cm {orientation} scar{rng.choice(vocab.SCAR_CAUSES)}"
            elif mark_type == "PIERCING":
                text = f"piercing, {rng.choice(vocab.PIERCING_STYLES)}"
            elif mark_type == "BIRTHMARK":
                text = f"{rng.choice(vocab.BIRTHMARKS)}, {rng.randint(1, 8)}cm"
            mark_id = self._id("mrk")
            self._add(
                "Mark",
                {
                    "id": mark_id,
                    "type": mark_type,
                    "bodyPart": part,
                    "side": side,
                    "orientation": orientation,
                    "description": f"{text}, {where}",
                },
            )
            since = rng.randint(min(born + 5844, self.today), self.today)
            until = since + rng.randint(100, 2000) if rng.random() < 0.05 else None
            self._link(
                "Offender-HAS_MARK->Mark", offender.id, mark_id, self._fact(offender, since, until)
            )

    def _homes(self, start: int, offenders: list[_Offender]) -> None:
        rng, today = self.rng, self.today
        # Small houses in multiple occupation shared by 2-4 offenders of the chunk.
        hmo: dict[int, str] = {}
        free = [i for i in range(len(offenders)) if start + i not in self.premises_of]
        rng.shuffle(free)
        sharing = free[: int(len(free) * 0.04)]
        while len(sharing) >= 2:
            group, sharing = sharing[: rng.randint(2, 4)], sharing[4:]
            address_id = self._address(offenders[group[0]].town, "HMO")
            for member in group:
                hmo[member] = address_id
        for position, offender in enumerate(offenders):
            premises = self.premises_of.get(start + position)
            if premises is not None:
                offender.address = self.premises[premises].id
                offender.address_kind = self.premises[premises].kind
                since = today - rng.randint(7, 300)
            elif position in hmo:
                offender.address, offender.address_kind = hmo[position], "HMO"
                since = today - rng.randint(14, 1500)
            elif rng.random() < 0.03:
                offender.address = self._address(offender.town, "NO_FIXED_ABODE")
                offender.address_kind = "NO_FIXED_ABODE"
                since = today - rng.randint(7, 400)
            else:
                offender.address = self._address(offender.town, "HOUSEHOLD")
                since = today - rng.randint(14, 3000)
            kind = "Offender-RESIDES_AT->Address"
            self._link(
                kind, offender.id, offender.address, {**self._fact(offender, since), "main": True}
            )
            # Earlier homes, newest first, each ending before the next began.
            for _ in range(rng.choices((0, 1, 2, 3), (40, 35, 15, 10))[0]):
                until = since - rng.randint(1, 90)
                since = until - rng.randint(30, 1500)
                if len(self.households) > 10 and rng.random() < 0.2:
                    address_id = f"adr_{rng.choice(self.households):07d}"
                else:
                    address_id = self._address(offender.town, "HOUSEHOLD")
                self._link(
                    kind,
                    offender.id,
                    address_id,
                    {**self._fact(offender, since, until), "main": True},
                )
            if rng.random() < 0.1:
                self._intelligence(offender, [("Address", offender.address)])

            for _ in range(rng.choices((0, 1, 2, 3), (35, 40, 18, 7))[0]):
                self._intelligence(offender, [])

    def _intelligence(self, offender: _Offender, about: list[tuple[str, str]]) -> None:
        rng = self.rng
        recorded = self.today - rng.randint(0, 1500)
        handling = "C" if rng.random() < 0.2 else "P"
        intelligence_id = self._id("int")
        self._add(
            "Intelligence",
            {
                "id": intelligence_id,
                "text": rng.choice(vocab.INTELLIGENCE_TEMPLATES).format(town=offender.town.name),
                "source": rng.choices((1, 2, 3), (20, 50, 30))[0],
                "information": rng.choices("ABCDE", (10, 30, 35, 15, 10))[0],
                "handling": handling,
                "conditions": rng.choice(vocab.HANDLING_CONDITIONS) if handling == "C" else None,
                "reviewOn": date.fromordinal(recorded + 365),
                "recordedOn": date.fromordinal(recorded),
            },
        )
        for kind, target in [("Offender", offender.id), *about]:
            self._link(
                f"Intelligence-ABOUT->{kind}",
                intelligence_id,
                target,
                self._fact(offender, recorded),
            )

    def _associates(self, index: int, offender: _Offender) -> None:
        rng, today = self.rng, self.today
        for _ in range(rng.choices((0, 1, 2, 3, 4), (20, 35, 25, 12, 8))[0]):
            link_type = rng.choices(
                ("FAMILY", "PARTNER", "FRIEND", "EMPLOYER", "OTHER"), (30, 20, 30, 8, 12)
            )[0]
            associate_id = self._id("asc")
            self._associate(associate_id, offender, link_type)
            offender.associates.append(associate_id)
            since = today - rng.randint(30, 5000)
            until = since + rng.randint(30, 2000) if rng.random() < 0.12 else None
            self.urn.append(index)
            self._link(
                "Offender-ASSOCIATED_WITH->Associate",
                offender.id,
                associate_id,
                {**self._fact(offender, since, until), "type": link_type},
            )
            # Some associates know other offenders too, more often the well-connected ones.
            if rng.random() < 0.12:
                other = self._popular_offender(index + 1)
                if other != index:
                    self.urn.append(other)
                    self._link(
                        "Associate-ASSOCIATED_WITH->Offender",
                        associate_id,
                        f"off_{other + 1:07d}",
                        {
                            **self._fact(offender, today - rng.randint(30, 3000)),
                            "type": rng.choice(("FRIEND", "OTHER", "EMPLOYER")),
                        },
                    )

    def _associate(self, associate_id: str, offender: _Offender, link_type: str) -> None:
        rng, today = self.rng, self.today
        gender = self._gender()
        if link_type == "PARTNER":
            gender = "FEMALE" if rng.random() < 0.85 else "MALE"
        surname = offender.surname if link_type == "FAMILY" and rng.random() < 0.7 else None
        person = self._person(gender, surname, int(rng.triangular(16, 85, 35)))
        self._add("Associate", {"id": associate_id, **person})
        kind = "Associate-RESIDES_AT->Address"
        if (
            link_type in ("FAMILY", "PARTNER")
            and offender.address_kind in ("HOUSEHOLD", "HMO")
            and offender.address
            and rng.random() < 0.65
        ):
            self._link(
                kind,
                associate_id,
                offender.address,
                {**self._fact(offender, today - rng.randint(14, 3000)), "main": True},
            )
        elif rng.random() < 0.8:
            since = today - rng.randint(14, 3000)
            home = self._address(offender.town, "HOUSEHOLD")
            self._link(kind, associate_id, home, {**self._fact(offender, since), "main": True})
            if rng.random() < 0.15:
                until = since - rng.randint(1, 60)
                old = self._address(offender.town, "HOUSEHOLD")
                self._link(
                    kind,
                    associate_id,
                    old,
                    {**self._fact(offender, until - rng.randint(60, 1500), until), "main": True},
                )

    def _popular_offender(self, known: int) -> int:
        """An offender among the first ``known``, chosen in proportion to links (mostly)."""
        rng = self.rng
        if rng.random() < 0.75:
            return self.urn[rng.randrange(len(self.urn))] if self.urn else 0
        return rng.randrange(known)

    def _hubs(self, start: int, stop: int, offenders: list[_Offender]) -> None:
        rng, today, n = self.rng, self.today, self.plan.offenders
        for position, (hub_id, degree) in enumerate(self.hubs):
            if start == 0:
                self._associate(hub_id, offenders[position % len(offenders)], "EMPLOYER")
            expected = degree * (stop - start) / n
            count = int(expected) + (rng.random() < expected % 1)
            for member in rng.sample(range(len(offenders)), min(count, len(offenders))):
                offender = offenders[member]
                self.urn.append(start + member)
                self._link(
                    "Offender-ASSOCIATED_WITH->Associate",
                    offender.id,
                    hub_id,
                    {
                        **self._fact(offender, today - rng.randint(30, 2500)),
                        "type": rng.choice(("EMPLOYER", "FRIEND", "OTHER")),
                    },
                )

    def _co_offenders(self, start: int, stop: int, offenders: list[_Offender]) -> None:
        rng, today = self.rng, self.today
        for _ in range(round((stop - start) * 0.35)):
            member = rng.randrange(len(offenders))
            source = start + member
            target = self._popular_offender(stop)
            pair = (min(source, target), max(source, target))
            if source == target or pair in self.pairs:
                continue
            self.pairs.add(pair)
            self.urn.append(source)
            self.urn.append(target)
            since = today - rng.randint(30, 4000)
            until = since + rng.randint(30, 1500) if rng.random() < 0.2 else None
            link_type = rng.choices(
                ("CO_OFFENDER", "FRIEND", "FAMILY", "PARTNER"), (70, 15, 10, 5)
            )[0]
            self._link(
                "Offender-ASSOCIATED_WITH->Offender",
                offenders[member].id,
                f"off_{target + 1:07d}",
                {**self._fact(offenders[member], since, until), "type": link_type},
            )

    def _vehicles(self, offenders: list[_Offender]) -> None:
        rng, today = self.rng, self.today
        expected = len(offenders) * 0.6
        for _ in range(int(expected) + (rng.random() < expected % 1)):
            owner = rng.choice(offenders)
            make, models = rng.choice(vocab.VEHICLE_MODELS)
            vehicle_id = self._id("veh")
            self._add(
                "Vehicle",
                {
                    "id": vehicle_id,
                    "vrm": self.plates.issue(),
                    "make": make,
                    "model": rng.choice(models),
                    "colour": self.colours.pick(rng),
                },
            )
            users = [("Offender", owner.id)]
            pool = [("Associate", a) for a in owner.associates]
            extra = min(
                rng.choices((0, 1, 2, 3, 4), (50, 22, 14, 9, 5))[0],
                len(pool) + len(offenders) - 1,
            )
            rng.shuffle(pool)
            while len(users) <= extra:
                if pool and rng.random() < 0.6:
                    users.append(pool.pop())
                else:
                    other = rng.choice(offenders).id
                    if ("Offender", other) not in users:
                        users.append(("Offender", other))
            if len(users) > 1 and users[1][0] == "Associate" and rng.random() < 0.3:
                users[0], users[1] = users[1], users[0]  # the associate is the registered keeper
            for position, (kind, person_id) in enumerate(users):
                role = (
                    "KEEPER" if position == 0 else "DRIVER" if rng.random() < 0.6 else "PASSENGER"
                )
                since = today - rng.randint(10, 2500)
                until = since + rng.randint(30, 1000) if rng.random() < 0.15 else None
                self._link(
                    f"{kind}-USES->Vehicle",
                    person_id,
                    vehicle_id,
                    {**self._fact(owner, since, until), "role": role},
                )
            if rng.random() < 0.1:
                self._intelligence(owner, [("Vehicle", vehicle_id)])


def generate(plan: SeedPlan) -> Iterator[Batch]:
    """Stream the dataset for ``plan`` as batches, nodes before the links that use them.

    The same plan always gives the same batches; memory stays bounded by one chunk of
    offenders plus a few integers per offender.
    """
    return _Generation(plan).batches()
