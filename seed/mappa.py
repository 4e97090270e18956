"""The MAPPA records of each generated offender (issue 14): convictions, the notification
requirement of every registered sex offender, custody episodes (some with a release due in the
coming year), licence conditions for those on licence, and a meeting history with decisions,
actions and the READ shares each meeting gave its attending agencies (rule 11).

It draws from a random stream of its own, so adding these records left every earlier
record of a seed exactly as it was.
"""

from __future__ import annotations

import random
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from seed import mappa_vocabulary as words

if TYPE_CHECKING:
    from seed import vocabulary as vocab

Row = dict[str, Any]

#: How long after a meeting its attending agencies keep their READ share.
SHARE_DAYS_AFTER_MEETING = 28


class _Sink(Protocol):
    """What the generation offers: ids, nodes and links of the current chunk."""

    def _id(self, prefix: str) -> str: ...
    def _add(self, kind: str, row: Row) -> None: ...
    def _link(self, kind: str, start: str, end: str, props: Row) -> None: ...


class MappaRecords:
    """Adds one offender's MAPPA records to the generation's current chunk."""

    def __init__(self, sink: _Sink, seed: int, today: int, partners: list[vocab.AgencySpec]):
        self.sink = sink
        self.rng = random.Random(f"offender-graph-mappa:{seed}")
        self.today = today
        self.partners = partners

    def _classification(self) -> str:
        r = self.rng.random()
        return "OFFICIAL" if r < 0.5 else "OFFICIAL_SENSITIVE" if r < 0.92 else "SECRET"

    def _fact(self, agency: str, since: int, until: int | None = None) -> Row:
        return {
            "from": date.fromordinal(since),
            "to": None if until is None else date.fromordinal(until),
            "agency": agency,
            "classification": self._classification(),
        }

    def add(
        self, offender_id: str, manager: str, nominal: str, level: int, town: str, police: str
    ) -> None:
        convicted = self._convictions(offender_id, manager, nominal, town, police)
        if nominal == "RSO":
            self._notification(offender_id, police, convicted, town)
        released = self._custody(offender_id, convicted)
        if released is not None and self.today - released < 2 * 365:
            self._licence(offender_id, manager, released, town)
        if level >= 2:
            self._meetings(offender_id, manager, level, police)

    def _convictions(
        self, offender_id: str, manager: str, nominal: str, town: str, police: str
    ) -> int:
        """1-4 convictions, the latest being the index offence; returns its date."""
        rng, sink = self.rng, self.sink
        count = rng.choices((1, 2, 3, 4), (45, 30, 15, 10))[0]
        days = sorted(self.today - rng.randint(200, 8000) for _ in range(count))
        for position, day in enumerate(days):
            index = position == count - 1
            pool = words.OFFENCES[nominal] if index else words.OFFENCES["PDP"]
            code, title = rng.choice(pool)
            conviction_id = sink._id("cnv")
            court = (
                f"Crown Court at {town}"
                if index or rng.random() < 0.5
                else f"{town} Magistrates' Court"
            )
            sink._add(
                "Conviction",
                {
                    "id": conviction_id,
                    "offenceCode": code,
                    "offenceTitle": title,
                    "court": court,
                    "convictedOn": date.fromordinal(day),
                    "sentence": rng.choice(words.SENTENCES),
                    "isIndexOffence": index,
                },
            )
            recorder = police if rng.random() < 0.7 else manager
            sink._link(
                "Offender-CONVICTED_OF->Conviction", offender_id, conviction_id,
                self._fact(recorder, day),
            )  # fmt: skip
        return days[-1]

    def _notification(self, offender_id: str, police: str, since: int, town: str) -> None:
        """Every registered sex offender notifies, usually yearly; a few are overdue."""
        rng, sink = self.rng, self.sink
        years = rng.choices((None, 5, 7, 10, 15), (35, 15, 15, 20, 15))[0]
        until = None if years is None else since + int(years * 365.25)
        ended = until is not None and until < self.today
        last = self.today - (rng.randint(0, 364) if rng.random() < 0.93 else rng.randint(366, 500))
        requirement_id = sink._id("ntf")
        sink._add(
            "NotificationRequirement",
            {
                "id": requirement_id,
                "until": None if until is None else date.fromordinal(until),
                "indefinite": years is None,
                "lastNotifiedOn": date.fromordinal(min(last, until) if until else last),
                "nextDueOn": None if ended else date.fromordinal(last + 365),
                "notifiedAt": f"{town} Police Station",
            },
        )
        sink._link(
            "Offender-MUST_NOTIFY->NotificationRequirement", offender_id, requirement_id,
            self._fact(police, since, until),
        )  # fmt: skip

    def _custody(self, offender_id: str, convicted: int) -> int | None:
        """About one in six is in custody now (release due within a year), a third were
        released after the index offence; returns the day of that release, if any."""
        rng, sink = self.rng, self.sink
        r = rng.random()
        if r >= 0.5:
            return None
        custody_id = sink._id("cus")
        since = min(self.today - 30, convicted + rng.randint(0, 30))
        current = r < 0.17
        expected = self.today + rng.randint(1, 365) if current else since + rng.randint(180, 2500)
        released = None if current else min(expected, self.today - rng.randint(1, 1500))
        released = None if released is None else max(released, since + 30)
        sink._add(
            "Custody",
            {
                "id": custody_id,
                "establishment": rng.choice(words.PRISONS),
                "releaseOn": date.fromordinal(expected),
                "releasedOn": None if released is None else date.fromordinal(released),
            },
        )
        sink._link(
            "Offender-HELD_IN->Custody", offender_id, custody_id,
            self._fact("HMPPS", since, released),
        )  # fmt: skip
        return released

    def _licence(self, offender_id: str, manager: str, released: int, town: str) -> None:
        rng, sink = self.rng, self.sink
        ends = released + rng.randint(365, 1500)
        kinds = rng.sample(sorted(words.LICENCE_CONDITIONS), rng.randint(2, 4))
        for kind in kinds:
            condition_id = sink._id("lic")
            sink._add(
                "LicenceCondition",
                {
                    "id": condition_id,
                    "kind": kind,
                    "text": rng.choice(words.LICENCE_CONDITIONS[kind]).format(town=town),
                    "setBy": rng.choice(words.LICENCE_SETTERS),
                },
            )
            sink._link(
                "Offender-SUBJECT_TO->LicenceCondition", offender_id, condition_id,
                self._fact(manager, released, ends),
            )  # fmt: skip

    def _meetings(self, offender_id: str, manager: str, level: int, police: str) -> None:
        """Level 2 and 3 nominals meet every 8-16 weeks; some have the next one booked."""
        rng, sink = self.rng, self.sink
        gap = 56 if level == 3 else 112
        count = rng.randint(1, 4)
        upcoming = rng.random() < 0.4
        last = self.today - rng.randint(7, gap)
        days = [last - gap * i for i in range(count)][::-1]
        if upcoming:
            days.append(self.today + rng.randint(7, 42))
        for held in days:
            attending = [police] if police != manager else []
            for spec in rng.sample(self.partners, rng.randint(1, 3)):
                if spec.code not in attending and spec.code != manager:
                    attending.append(spec.code)
            ceiling = rng.choices(("OFFICIAL", "OFFICIAL_SENSITIVE"), (40, 60))[0]
            meeting_id = sink._id("mtg")
            scheduled = held - rng.randint(14, 35)
            share_until = held + SHARE_DAYS_AFTER_MEETING
            past = held < self.today
            decisions = (
                [d.format(level=level) for d in rng.sample(words.DECISIONS, rng.randint(1, 3))]
                if past
                else []
            )
            sink._add(
                "MappaMeeting",
                {
                    "id": meeting_id,
                    "heldOn": date.fromordinal(held),
                    "level": level,
                    "chairAgency": manager,
                    "chairUserId": f"coordinator.{manager.lower()}",
                    "attendingAgencies": attending,
                    "shareCeiling": ceiling,
                    "shareFrom": date.fromordinal(scheduled),
                    "shareUntil": date.fromordinal(share_until),
                    "decisions": decisions,
                    "scheduledOn": date.fromordinal(scheduled),
                },
            )
            fact = self._fact(manager, held)
            fact["classification"] = "OFFICIAL_SENSITIVE" if rng.random() < 0.85 else "SECRET"
            sink._link("MappaMeeting-REVIEWS->Offender", meeting_id, offender_id, fact)
            for code in attending:
                sink._link(
                    "Offender-SHARED_WITH->Agency",
                    offender_id,
                    f"agy_{code.lower()}",
                    {
                        "from": date.fromordinal(scheduled),
                        "to": date.fromordinal(share_until),
                        "ceiling": ceiling,
                        "mode": "READ",
                        "justification": "MAPPA meeting (rule 11)",
                        "meeting": meeting_id,
                    },
                )
            if past:
                self._actions(meeting_id, manager, held, [manager, *attending], fact)

    def _actions(
        self, meeting_id: str, manager: str, held: int, owners: list[str], meeting: Row
    ) -> None:
        rng, sink = self.rng, self.sink
        for text in rng.sample(words.ACTIONS, rng.randint(1, 3)):
            due = held + rng.randint(14, 56)
            done = (
                None
                if (due >= self.today and rng.random() < 0.7) or rng.random() < 0.2
                else min(self.today, due - rng.randint(0, 10))
            )
            action_id = sink._id("act")
            sink._add(
                "Action",
                {
                    "id": action_id,
                    "text": text,
                    "ownerAgency": rng.choice(owners),
                    "dueOn": date.fromordinal(due),
                    "doneOn": None if done is None else date.fromordinal(max(done, held)),
                },
            )
            fact = {**meeting, "from": date.fromordinal(held), "agency": manager}
            sink._link("MappaMeeting-AGREED->Action", meeting_id, action_id, fact)
