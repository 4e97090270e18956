"""Driver lifecycle: the async driver the API uses, and the sync one for command-line tools."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
import logging
import random
from typing import TYPE_CHECKING, Any, TypeVar

import neo4j
from neo4j import AsyncGraphDatabase, GraphDatabase, Query, RoutingControl
from neo4j import exceptions as neo4j_errors

from graph_api import deadline
from graph_api.db._connection import ConnectionTarget, DatabaseAccessError, connection_target
from graph_api.db._plan_warmth import PlanWarmth, Shape
from graph_api.metrics import DATABASE_ERRORS, DATABASE_POOL_SIZE, DATABASE_SESSIONS_IN_USE
from graph_api.planner.markers import SCALARS_MARK, spread_scalars

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Iterator, Mapping

    from graph_api.settings import Settings

T = TypeVar("T")

#: How often a write chosen as a deadlock victim is tried in all, and the longest first pause.
DEADLOCK_ATTEMPTS = 8
DEADLOCK_PAUSE_SECONDS = 0.02

log = logging.getLogger("graph_api.db")

#: The rehearsal of the remembered statements after a loss (see `_plan_warmth`): each
#: statement's server-side timeout, and how long it goes on in all before the API says ready.
REHEARSAL_STATEMENT_SECONDS = 30.0
REHEARSAL_SECONDS = 60.0
#: How long the rehearsal waits for `RETURN 1` before it asks again whether the database is back.
REHEARSAL_PROBE_SECONDS = 1.0

#: Counts database round trips in the current request (see `round_trips`).
_round_trips: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar(
    "round_trips", default=None
)


class DatabaseUnavailable(RuntimeError):
    """The database did not answer (down, unreachable, timed out); the API says UNAVAILABLE."""


class CommitOutcomeUnknown(DatabaseUnavailable):
    """The COMMIT was sent but its answer never came (connection lost, deadline passed): the
    transaction may or may not have committed. `value` is what the transaction's work returned,
    the answer to give if it turns out to have committed (see `graph_api.writes`)."""

    def __init__(self, message: str, value: object) -> None:
        super().__init__(message)
        self.value = value


def describe_failure(error: Exception, target: ConnectionTarget) -> str:
    """One line for a person about why the database could not be used."""
    if isinstance(error, neo4j_errors.AuthError):
        return (
            f"Neo4j at {target.uri} refused the credentials of user '{target.user}' "
            "(check NEO4J_USER / NEO4J_PASSWORD)"
        )
    if isinstance(error, neo4j_errors.ConfigurationError | ValueError):
        return f"NEO4J_URI '{target.uri}' is not usable: {error}"
    if isinstance(error, neo4j_errors.ServiceUnavailable | OSError):
        hint = " (start it with `graph-api db start`)" if target.local else ""
        return f"cannot reach Neo4j at {target.uri}{hint}"
    return f"Neo4j at {target.uri} failed: {type(error).__name__}"


def open_sync_driver(settings: Settings) -> tuple[neo4j.Driver, ConnectionTarget]:
    """A verified sync driver for tools; DatabaseAccessError with one readable line otherwise."""
    target = connection_target(settings)
    try:
        driver = GraphDatabase.driver(
            target.uri,
            auth=(target.user, target.password),
            connection_timeout=settings.neo4j_connect_timeout_seconds,
            notifications_min_severity="OFF",  # tools print their own one-line messages
        )
        driver.verify_connectivity()
    except Exception as error:  # every failure becomes one readable line
        raise DatabaseAccessError(describe_failure(error, target)) from error
    return driver, target


class Database:
    """The API's handle on Neo4j: parameterised reads routed as reads, writes as writes."""

    def __init__(
        self,
        driver: neo4j.AsyncDriver,
        target: ConnectionTarget,
        timeout: float,
        rehearsal: bool = True,
    ) -> None:
        self.driver = driver
        self.target = target
        self.name = target.database
        self.timeout = timeout
        self.plans = PlanWarmth()
        self.rehearsal = rehearsal
        self._rehearsal: asyncio.Task[None] | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> Database:
        """Open the async driver lazily (no I/O here), so the app starts while Neo4j is down."""
        target = connection_target(settings)
        driver = AsyncGraphDatabase.driver(
            target.uri,
            auth=(target.user, target.password),
            connection_timeout=settings.neo4j_connect_timeout_seconds,
            connection_acquisition_timeout=settings.neo4j_connect_timeout_seconds,
            max_connection_pool_size=settings.neo4j_pool_size,
            max_transaction_retry_time=0,  # fail fast: the client decides whether to retry
            # Server notifications quote the statement; keep Cypher out of the logs by default.
            notifications_min_severity="OFF",
        )
        DATABASE_POOL_SIZE.set(settings.neo4j_pool_size)
        return cls(
            driver,
            target,
            settings.neo4j_query_timeout_seconds,
            rehearsal=settings.graph_api_plan_rehearsal,
        )

    async def close(self) -> None:
        if self._rehearsal is not None:
            self._rehearsal.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._rehearsal
        await self.driver.close()

    @property
    def warming(self) -> bool:
        """The database was lost and the most used statements are not planned again yet."""
        return self.plans.cold

    def plan_ahead(self) -> None:
        """Statements were declared (`PlanWarmth.declare`): rehearse those not planned yet as
        after a loss, before `/readyz` says ready."""
        self.plans.cold = True
        self._warm_if_cold()

    def _warm_if_cold(self) -> None:
        """The database answered or was lost: if it was lost, rehearse the most used statements
        once it answers (in the background, outside any request's deadline: an empty context)."""
        if not self.rehearsal:
            self.plans.cold = False
        elif self.plans.cold and (self._rehearsal is None or self._rehearsal.done()):
            self._rehearsal = asyncio.create_task(self.rehearse(), context=contextvars.Context())

    async def rehearse(self) -> None:
        """Once the database answers, plan the most used statements again, one at a time, each
        in a transaction that is rolled back; at a sign the database is gone again, wait for it
        again."""
        while not await self._rehearse_once():
            pass

    async def _until_answering(self) -> None:
        """Return as soon as the database answers a trivial statement (tried every 0.2 s)."""
        while True:
            try:
                async with (
                    asyncio.timeout(REHEARSAL_PROBE_SECONDS),
                    self.driver.session(database=self.name) as session,
                ):
                    await (await session.run("RETURN 1")).consume()
                return
            except Exception:  # down, refusing, stalled or starting: try again shortly
                await asyncio.sleep(0.2)

    async def _rehearse_once(self) -> bool:
        """One rehearsal after the database answered; False if it was lost again meanwhile."""
        await self._until_answering()
        log.info("database answers: rehearsing")
        losses = self.plans.losses
        loop = asyncio.get_running_loop()
        began = loop.time()
        ends = began + REHEARSAL_SECONDS
        rehearsed = 0
        for shape in self.plans.most_used():
            if loop.time() > ends:
                break
            if self.plans.is_planned(shape.cypher):
                continue
            started = loop.time()
            try:
                async with asyncio.timeout(REHEARSAL_STATEMENT_SECONDS + 5):
                    await self.plans.run(shape.cypher, functools.partial(self._rehearse, shape))
            except (neo4j_errors.ServiceUnavailable, neo4j_errors.SessionExpired, OSError):
                self.plans.forget()
                log.info("rehearsal stopped: the database was lost again")
                return False
            except Exception as error:  # planned all the same (a constraint, stale values)
                log.debug("rehearsal of a statement failed: %s", type(error).__name__)
            rehearsed += 1
            log.info(
                "rehearsed a statement of %d characters (used %d times) in %.0f ms",
                len(shape.cypher),
                shape.uses,
                (loop.time() - started) * 1000,
            )
        self.plans.warmed(losses)
        log.info(
            "rehearsed %d statements in %.1f s",
            rehearsed,
            loop.time() - began,
        )
        return True

    async def _rehearse(self, shape: Shape) -> None:
        mode = neo4j.WRITE_ACCESS if shape.writes else neo4j.READ_ACCESS
        async with self.driver.session(database=self.name, default_access_mode=mode) as session:
            tx = await session.begin_transaction(timeout=REHEARSAL_STATEMENT_SECONDS)
            try:
                await (await tx.run(shape.cypher, _sample(shape.parameters))).consume()
            finally:
                with contextlib.suppress(Exception):  # a failed statement ended it already
                    await tx.rollback()

    async def ping(self, within: float) -> bool:
        """True when the database answers a trivial read within `within` seconds."""
        try:
            with deadline.request_deadline(within):
                await self.read("RETURN 1 AS ok")
        except DatabaseUnavailable:
            return False
        return True

    async def read(
        self, cypher: str, parameters: Mapping[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        """Run one read statement (one round trip) and return its records as dicts."""
        return await self._run(cypher, parameters, RoutingControl.READ)

    async def write(
        self, cypher: str, parameters: Mapping[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        """Run one write statement in its own transaction and return its records as dicts.

        Like `transaction`, a deadlock victim is run again a few times.
        """
        return await _retrying_deadlocks(
            lambda: self._run(cypher, parameters, RoutingControl.WRITE)
        )

    async def transaction(self, work: Callable[[Transaction], Awaitable[T]]) -> T:
        """Run `work` in one write transaction: committed if it returns, rolled back if it raises.

        Several statements share the transaction, so a change and its bookkeeping (an
        idempotency key, the read-back of the changed object) are all or nothing. A transaction
        the server chose as a deadlock victim is run again, from the start, a few times.
        """
        return await _retrying_deadlocks(lambda: self._transaction_once(work))

    async def _transaction_once(self, work: Callable[[Transaction], Awaitable[T]]) -> T:
        committing = False
        value: Any = None
        transaction: Transaction | None = None
        try:
            with self._unavailable_when_down():
                async with (
                    deadline.bounded(),
                    self.driver.session(database=self.name) as session,
                ):
                    tx = await session.begin_transaction(
                        timeout=deadline.server_timeout(self.timeout)
                    )
                    try:
                        transaction = Transaction(tx, self.plans)
                        value = await work(transaction)
                    except Exception:  # a cancelled task does not wait: the driver drops the link
                        await tx.rollback()
                        raise
                    committing = True
                    await tx.commit()
                    self._warm_if_cold()
                    return value  # type: ignore[no-any-return]
        except neo4j_errors.DatabaseError as error:  # the server failed mid-transaction
            raise DatabaseUnavailable("the database failed; nothing was changed") from error
        except DatabaseUnavailable as error:
            if committing:  # the COMMIT left, its answer did not come back
                raise CommitOutcomeUnknown(str(error), value) from error
            if transaction and transaction.first_runs and _timed_out(error):
                # a statement never answered before may still be planning: rehearse it
                self.plans.cold = True
                self._warm_if_cold()
            raise

    @contextlib.contextmanager
    def _unavailable_when_down(self) -> Iterator[None]:
        """Turn the driver's failures of reach, time and load into DatabaseUnavailable (and
        count them), and count the sessions in use meanwhile."""
        DATABASE_SESSIONS_IN_USE.inc()
        try:
            yield
        except deadline.DeadlineExceeded as error:
            DATABASE_ERRORS.labels("deadline").inc()
            raise DatabaseUnavailable(str(error)) from error
        except (neo4j_errors.ServiceUnavailable, neo4j_errors.SessionExpired, OSError) as error:
            DATABASE_ERRORS.labels("unreachable").inc()
            self.plans.forget()  # it may come back restarted, its plan cache empty
            self._warm_if_cold()  # rehearse as soon as it answers
            raise DatabaseUnavailable(describe_failure(error, self.target)) from error
        except neo4j_errors.ClientError as error:
            if error.code and "TransactionTimedOut" in error.code:
                DATABASE_ERRORS.labels("timed_out").inc()
                raise DatabaseUnavailable("the database did not answer in time") from error
            raise
        except neo4j_errors.TransientError as error:
            DATABASE_ERRORS.labels("busy").inc()
            raise DatabaseUnavailable("the database is busy; try again") from error
        except neo4j_errors.DatabaseError:
            DATABASE_ERRORS.labels("failed").inc()
            raise
        finally:
            DATABASE_SESSIONS_IN_USE.dec()

    async def _run(
        self, cypher: str, parameters: Mapping[str, Any] | None, routing: RoutingControl
    ) -> list[dict[str, Any]]:
        counter = _round_trips.get()
        if counter is not None:
            counter[0 if routing == RoutingControl.READ else 1] += 1
        # An auto-commit transaction: the statement and its commit travel together, one round
        # trip (a managed transaction takes two: measured 0.64 vs 1.19 ms for `RETURN 1`, 1.4
        # vs 2.5 ms for a small write). It is as durable: the server commits before answering.
        mode = neo4j.READ_ACCESS if routing == RoutingControl.READ else neo4j.WRITE_ACCESS

        async def statement() -> list[dict[str, Any]]:
            async with (
                deadline.bounded(),
                self.driver.session(database=self.name, default_access_mode=mode) as session,
            ):
                result = await session.run(
                    Query(cypher, timeout=deadline.server_timeout(self.timeout)),
                    dict(parameters or {}),
                )
                # Plain dicts of the values as they arrive: statements return maps and lists,
                # so the driver's deep copy (`Record.data`) would only rebuild them.
                return _records([dict(record) async for record in result], cypher)

        self.plans.remember(cypher, parameters or {}, writes=routing == RoutingControl.WRITE)
        first = not self.plans.is_planned(cypher)
        try:
            with self._unavailable_when_down():
                records = await self.plans.run(cypher, statement)
        except DatabaseUnavailable as error:
            if first and _timed_out(error):  # planning may outlast any deadline: rehearse it
                self.plans.cold = True
                self._warm_if_cold()
            raise
        self._warm_if_cold()
        return records


def _records(records: list[dict[str, Any]], cypher: str) -> list[dict[str, Any]]:
    """The records with every map's stored scalars spread into it (`markers.SCALARS_KEY`)."""
    if SCALARS_MARK in cypher:
        spread_scalars(records)
    return records


def _sample(parameters: Mapping[str, Any]) -> dict[str, Any]:
    """The parameters with each list cut to the fewest items of its size class, for less work
    (an audit batch of 32 records took 4.1 s on a restarted Neo4j, one 2.5 s) on the same plan.

    Neo4j caches a plan under the statement's text, its parameters' types and the size class of
    each list and string parameter: 1, 2-10, 11-100, 101-1,000 and so on (measured on 5.26: a
    list of 2 after a list of 1, or of 11 after 10, plans the text again). Cut to one item, the
    two-item list of field names every read carries planned a plan no request used."""
    return {
        name: value[: _size_class_floor(len(value))] if isinstance(value, list) else value
        for name, value in parameters.items()
    }


def _size_class_floor(size: int) -> int:
    """The smallest size in the plan cache's size class of `size` (see `_sample`)."""
    if size <= 2:
        return size
    floor, ceiling = 2, 10
    while size > ceiling:
        floor, ceiling = ceiling + 1, ceiling * 10
    return floor


def _timed_out(error: DatabaseUnavailable) -> bool:
    """The request's deadline or the statement's timeout passed (not a lost database)."""
    cause = error.__cause__
    return isinstance(cause, deadline.DeadlineExceeded) or (
        isinstance(cause, neo4j_errors.ClientError)
        and bool(cause.code)
        and "TransactionTimedOut" in str(cause.code)
    )


async def _retrying_deadlocks(attempt: Callable[[], Awaitable[T]]) -> T:
    """Await `attempt()`, again (after a short, growing, random pause) while the server picks
    it as a deadlock victim, up to DEADLOCK_ATTEMPTS tries. Concurrent writes to one busy
    offender (and its audit records) contend for its relationship-group locks; the victim's
    work was rolled back, so running it again is safe."""
    for number in range(1, DEADLOCK_ATTEMPTS + 1):
        try:
            return await attempt()
        except DatabaseUnavailable as error:
            cause = error.__cause__
            code = cause.code if isinstance(cause, neo4j_errors.TransientError) else None
            if not code or "Deadlock" not in code or number == DEADLOCK_ATTEMPTS:
                raise
            await asyncio.sleep(random.uniform(0.0, DEADLOCK_PAUSE_SECONDS * number))
    raise AssertionError("unreachable")  # pragma: no cover


class Transaction:
    """One open write transaction (see `Database.transaction`): statements in, dicts out."""

    def __init__(self, tx: neo4j.AsyncTransaction, plans: PlanWarmth | None = None) -> None:
        self._tx = tx
        self._plans = plans
        #: A statement the database had not answered before was sent (it may need planning).
        self.first_runs = False

    async def run(
        self, cypher: str, parameters: Mapping[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        """Run one statement inside the transaction and return its records as dicts."""
        counter = _round_trips.get()
        if counter is not None:
            counter[1] += 1
        if self._plans is not None:
            self._plans.remember(cypher, parameters or {}, writes=True)
            self.first_runs = self.first_runs or not self._plans.is_planned(cypher)
        result = await self._tx.run(cypher, dict(parameters or {}))
        records = _records([record.data() async for record in result], cypher)
        if self._plans is not None:
            self._plans.planned(cypher)
        return records


class RoundTripCounter:
    """Counts the statements sent to the database inside a `with` block (tests, diagnostics)."""

    def __init__(self) -> None:
        self._cell = [0, 0]
        self._token: contextvars.Token[list[int] | None] | None = None

    @property
    def reads(self) -> int:
        """Read statements sent."""
        return self._cell[0]

    @property
    def writes(self) -> int:
        """Write statements sent (an audit record is one)."""
        return self._cell[1]

    def __enter__(self) -> RoundTripCounter:
        self._token = _round_trips.set(self._cell)
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._token is not None:
            _round_trips.reset(self._token)
