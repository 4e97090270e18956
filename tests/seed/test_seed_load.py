"""Loading the tiny dataset into Neo4j: the contract holds and every shape the tests need exists."""

from __future__ import annotations

import itertools
from datetime import date
from typing import TYPE_CHECKING, Any

import pytest

from graph_api.ukformats import normalise_postcode, normalise_vrm
from seed import (
    LoadReport,
    clear,
    content_hash,
    database_is_empty,
    generate,
    load,
    plan,
)
from seed.fingerprint import ContentDigest

if TYPE_CHECKING:
    import neo4j

SEED = 7  # the seed tests/conftest.py loads: the database is left as the other tests expect
FACT_TYPES = "RESIDES_AT|ASSOCIATED_WITH|USES|HAS_MARK|DEPICTS|ABOUT|ASSESSED"


def _query(driver: neo4j.Driver, database: str, cypher: str) -> list[dict[str, Any]]:
    records, _, _ = driver.execute_query(cypher, database_=database)
    return [record.data() for record in records]


def _value(driver: neo4j.Driver, database: str, cypher: str) -> Any:
    (row,) = _query(driver, database, cypher)
    (value,) = row.values()
    return value


@pytest.fixture(scope="module")
def progress_calls() -> list[tuple[int, int]]:
    return []


@pytest.fixture(scope="module")
def tiny(driver: neo4j.Driver, database: str, progress_calls: list[tuple[int, int]]) -> LoadReport:
    if not database_is_empty(driver, database):
        clear(driver, database)
    return load(
        driver,
        database,
        plan("tiny", None, SEED),
        lambda done, total: progress_calls.append((done, total)),
    )


def test_the_report_and_the_dataset_node_describe_the_load(
    tiny: LoadReport, driver: neo4j.Driver, database: str
) -> None:
    counts = _query(
        driver,
        database,
        "MATCH (n) WHERE NOT n:Migration AND NOT n:Dataset RETURN count(n) AS nodes, "
        "COUNT { ()-[]->() } AS relationships",
    )
    assert counts == [{"nodes": tiny.nodes, "relationships": tiny.relationships}]
    assert tiny.seconds > 0
    datasets = _query(driver, database, "MATCH (d:Dataset) RETURN d {.*} AS d")
    assert len(datasets) == 1
    dataset = datasets[0]["d"]
    assert dataset["seed"] == SEED
    assert dataset["scale"] == "tiny"
    assert dataset["offenders"] == 300
    assert dataset["contentHash"] == tiny.content_hash
    assert dataset["loadedAt"] is not None


def test_progress_counts_up_to_everything_written(
    tiny: LoadReport, progress_calls: list[tuple[int, int]]
) -> None:
    done = [call[0] for call in progress_calls]
    assert done == sorted(done)
    assert progress_calls[-1] == (tiny.nodes + tiny.relationships,) * 2


def test_the_database_holds_exactly_what_was_generated(
    tiny: LoadReport, driver: neo4j.Driver, database: str
) -> None:
    assert content_hash(driver, database) == tiny.content_hash
    other = ContentDigest()
    for batch in generate(plan("tiny", None, SEED + 1)):
        other.add_batch(batch)
    assert other.hexdigest() != tiny.content_hash


def test_loading_into_a_database_with_data_is_refused(
    tiny: LoadReport, driver: neo4j.Driver, database: str
) -> None:
    assert not database_is_empty(driver, database)
    with pytest.raises(ValueError, match="already holds data"):
        load(driver, database, plan("tiny", None, SEED))


def test_every_offender_has_one_current_manager_matching_managing_agency(
    tiny: LoadReport, driver: neo4j.Driver, database: str
) -> None:
    wrong = _query(
        driver,
        database,
        """
        MATCH (o:Offender)
        OPTIONAL MATCH (o)-[m:MANAGED_BY]->(a:Agency) WHERE m.to IS NULL
        WITH o, collect(a.code) AS current
        WHERE size(current) <> 1 OR current[0] <> o.managingAgency
        RETURN o.id AS id
        """,
    )
    assert wrong == []


def test_every_fact_link_has_dates_agency_and_classification(
    tiny: LoadReport, driver: neo4j.Driver, database: str
) -> None:
    facts = _query(
        driver,
        database,
        f"""
        MATCH ()-[r:{FACT_TYPES}]->()
        RETURN r.classification AS classification, count(*) AS links,
               count(CASE WHEN r.from IS NULL OR r.from > date()
                            OR (r.to IS NOT NULL AND r.to < r.from)
                            OR NOT EXISTS {{ MATCH (:Agency {{code: r.agency}}) }}
                          THEN 1 END) AS broken
        """,
    )
    by_class = {row["classification"]: row["links"] for row in facts}
    assert set(by_class) == {"OFFICIAL", "OFFICIAL_SENSITIVE", "SECRET"}
    assert sum(row["broken"] for row in facts) == 0
    total = sum(by_class.values())
    assert 0.5 < by_class["OFFICIAL"] / total < 0.7
    assert 0.05 < by_class["SECRET"] / total < 0.15


def test_postcodes_and_plates_validate(
    tiny: LoadReport, driver: neo4j.Driver, database: str
) -> None:
    addresses = _query(
        driver, database, "MATCH (a:Address) RETURN a.postcode AS p, a.postcodeDistrict AS d"
    )
    assert all(normalise_postcode(a["p"]) == a["p"] for a in addresses)
    assert all(a["p"].split(" ")[0] == a["d"] for a in addresses)
    plates = [
        row["vrm"] for row in _query(driver, database, "MATCH (v:Vehicle) RETURN v.vrm AS vrm")
    ]
    assert all(normalise_vrm(vrm) == vrm for vrm in plates)
    assert len(plates) == len(set(plates)) > 0


def test_residence_histories_do_not_overlap(
    tiny: LoadReport, driver: neo4j.Driver, database: str
) -> None:
    stays = _query(
        driver,
        database,
        """
        MATCH (p:Person)-[r:RESIDES_AT {main: true}]->()
        WITH p, r ORDER BY r.from
        RETURN p.id AS id, p:Offender AS offender, collect([r.from, r.to]) AS stays
        """,
    )
    for person in stays:
        periods = person["stays"]
        assert sum(until is None for _, until in periods) == 1, person
        for (_, until), (next_from, _) in itertools.pairwise(periods):
            assert until is not None, person
            assert until < next_from, person
    offenders = sum(person["offender"] for person in stays)
    assert offenders == 300


def test_risk_level_is_the_latest_assessment(
    tiny: LoadReport, driver: neo4j.Driver, database: str
) -> None:
    wrong = _value(
        driver,
        database,
        """
        MATCH (o:Offender)-[:ASSESSED]->(r:RiskAssessment)
        WITH o, r ORDER BY r.assessedOn DESC
        WITH o, collect(r)[0] AS latest, collect(r.tool) AS tools
        WHERE latest.level <> o.riskLevel
           OR (o.nominalType = 'RSO') <> all(tool IN tools WHERE tool = 'RM2000')
        RETURN count(o) AS wrong
        """,
    )
    assert wrong == 0


SHAPES = {
    "hostels and approved premises with 20-60 current residents": """
        MATCH (a:Address) WHERE a.kind IN ['HOSTEL', 'APPROVED_PREMISES']
        WITH a, COUNT { (p:Person)-[r:RESIDES_AT]->(a) WHERE r.to IS NULL } AS residents
        WITH a.kind AS kind, min(residents) AS fewest, max(residents) AS most
        WHERE fewest >= 20 AND most <= 60
        RETURN count(kind) = 2
    """,
    "households, HMOs and people of no fixed abode": """
        MATCH (a:Address) WITH collect(DISTINCT a.kind) AS kinds
        RETURN all(k IN ['HOUSEHOLD', 'HMO', 'NO_FIXED_ABODE'] WHERE k IN kinds)
    """,
    "expired shares": "RETURN EXISTS { ()-[s:SHARED_WITH]->() WHERE s.to < date() }",
    "future shares": "RETURN EXISTS { ()-[s:SHARED_WITH]->() WHERE s.from > date() }",
    "current shares capped at OFFICIAL": """
        RETURN EXISTS { ()-[s:SHARED_WITH {ceiling: 'OFFICIAL'}]->()
                        WHERE s.from <= date() AND (s.to IS NULL OR s.to >= date()) }
    """,
    "current SECRET and CONTRIBUTE shares": """
        RETURN EXISTS { ()-[s:SHARED_WITH {ceiling: 'SECRET'}]->() WHERE s.to IS NULL }
           AND EXISTS { ()-[s:SHARED_WITH {mode: 'CONTRIBUTE'}]->() WHERE s.to IS NULL }
    """,
    "shares with duty-to-cooperate agencies": """
        RETURN EXISTS { ()-[:SHARED_WITH]->(:Agency {kind: 'DUTY_TO_COOPERATE'}) }
    """,
    "co-offenders managed by different agencies": """
        RETURN EXISTS { (a:Offender)-[:ASSOCIATED_WITH {type: 'CO_OFFENDER'}]-(b:Offender)
                        WHERE a.managingAgency <> b.managingAgency }
    """,
    "an associate hub with 50+ links": """
        RETURN EXISTS { MATCH (p:Associate) WHERE COUNT { (p)-[:ASSOCIATED_WITH]-() } >= 50 }
    """,
    "vehicles shared by offenders and associates": """
        RETURN EXISTS { MATCH (v:Vehicle) WHERE COUNT { (v)<-[:USES]-(:Offender) } >= 2 }
           AND EXISTS { MATCH (v:Vehicle) WHERE EXISTS { (v)<-[:USES]-(:Offender) }
                                           AND EXISTS { (v)<-[:USES]-(:Associate) } }
    """,
    "associates living with offenders": """
        RETURN EXISTS { (:Associate)-[r:RESIDES_AT]->(:Address)<-[s:RESIDES_AT]-(:Offender)
                        WHERE r.to IS NULL AND s.to IS NULL }
    """,
    "SECRET links": "RETURN EXISTS { ()-[:RESIDES_AT|USES|ASSOCIATED_WITH {classification: 'SECRET'}]->() }",
    "links recorded by a sharing agency": """
        RETURN EXISTS { (o:Offender)-[r:HAS_MARK|ASSESSED|RESIDES_AT]->()
                        WHERE r.agency <> o.managingAgency
                          AND EXISTS { (o)-[:SHARED_WITH]->(:Agency {code: r.agency}) } }
    """,
    "transfers between managing agencies": """
        RETURN EXISTS { (o:Offender)-[m:MANAGED_BY]->(a:Agency)
                        WHERE m.to IS NOT NULL AND a.code <> o.managingAgency }
    """,
    "intelligence about addresses and vehicles, some handled under conditions": """
        RETURN EXISTS { (:Intelligence)-[:ABOUT]->(:Address) }
           AND EXISTS { (:Intelligence)-[:ABOUT]->(:Vehicle) }
           AND NOT EXISTS { MATCH (i:Intelligence {handling: 'C'}) WHERE i.conditions IS NULL }
           AND EXISTS { MATCH (i:Intelligence {handling: 'C'}) }
    """,
    "marks described in the vocabulary": """
        MATCH (m:Mark) WITH collect(DISTINCT m.type) AS types,
             all(m IN collect(m) WHERE m.description CONTAINS m.bodyPart) AS described
        RETURN described AND 'TATTOO' IN types AND 'SCAR' IN types
    """,
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_tiny_has_every_shape_the_policy_tests_need(
    tiny: LoadReport, driver: neo4j.Driver, database: str, shape: str
) -> None:
    assert _value(driver, database, SHAPES[shape]) is True


def test_offenders_spread_unevenly_across_agencies(
    tiny: LoadReport, driver: neo4j.Driver, database: str
) -> None:
    kinds = _query(
        driver,
        database,
        """
        MATCH (o:Offender)-[m:MANAGED_BY]->(a:Agency) WHERE m.to IS NULL
        WITH a, count(o) AS caseload ORDER BY caseload DESC
        RETURN a.kind AS kind, sum(caseload) AS offenders, collect(caseload)[0] AS largest
        """,
    )
    caseloads = {row["kind"]: row["offenders"] for row in kinds}
    assert set(caseloads) <= {"POLICE", "PROBATION", "PRISON", "NCA"}
    assert caseloads["POLICE"] > caseloads["PROBATION"] > caseloads.get("PRISON", 0)
    largest = {row["kind"]: row["largest"] for row in kinds}
    assert largest["POLICE"] > 3 * caseloads["POLICE"] / 43


def test_clearing_keeps_migrations_and_schema_and_reloading_gives_the_same_graph(
    tiny: LoadReport, driver: neo4j.Driver, database: str
) -> None:
    migrations = _value(driver, database, "MATCH (m:Migration) RETURN count(m) AS n")
    indexes = _value(driver, database, "SHOW INDEXES YIELD name RETURN count(name) AS n")
    clear(driver, database)
    assert database_is_empty(driver, database)
    assert _value(driver, database, "MATCH (m:Migration) RETURN count(m) AS n") == migrations
    assert _value(driver, database, "SHOW INDEXES YIELD name RETURN count(name) AS n") == indexes
    again = load(driver, database, plan("tiny", None, SEED))
    assert again.content_hash == tiny.content_hash
    assert content_hash(driver, database) == tiny.content_hash
    assert date.today() == plan("tiny", None, SEED).today
