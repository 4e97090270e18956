"""Schema migrations apply once, record their versions, and are safe to run again."""

from __future__ import annotations

from typing import TYPE_CHECKING

from graph_api.cypher_files import migrations, split_statements
from graph_api.db import applied_versions, migrate

if TYPE_CHECKING:
    import neo4j


def test_migrations_apply_twice_without_error(driver: neo4j.Driver, database: str) -> None:
    migrate(driver, database)
    assert migrate(driver, database) == []  # second run applies nothing
    assert applied_versions(driver, database) == {m.version for m in migrations()}


def test_every_label_has_a_unique_id_and_search_indexes_exist(
    driver: neo4j.Driver, database: str
) -> None:
    records, _, _ = driver.execute_query(
        "SHOW CONSTRAINTS YIELD labelsOrTypes, properties, type "
        "WHERE type = 'UNIQUENESS' AND properties = ['id'] RETURN labelsOrTypes[0] AS label",
        database_=database,
    )
    labels = {r["label"] for r in records}
    assert labels >= {"Person", "Offender", "Associate", "Address", "Vehicle", "Mark", "Photo",
                      "Agency", "Intelligence", "RiskAssessment"}  # fmt: skip
    records, _, _ = driver.execute_query(
        "SHOW INDEXES YIELD name, type, state RETURN name, type, state", database_=database
    )
    indexes = {r["name"]: (r["type"], r["state"]) for r in records}
    assert indexes["person_names"] == ("FULLTEXT", "ONLINE")
    assert indexes["mark_search"] == ("FULLTEXT", "ONLINE")
    assert indexes["address_location"] == ("POINT", "ONLINE")
    assert indexes["vehicle_vrm_text"] == ("TEXT", "ONLINE")


def test_statements_split_on_semicolons_at_line_ends() -> None:
    text = "// comment;\nCREATE INDEX a IF NOT EXISTS FOR (n:A) ON (n.x);\nRETURN 'a;b';\n"
    assert split_statements(text) == (
        "CREATE INDEX a IF NOT EXISTS FOR (n:A) ON (n.x)",
        "RETURN 'a;b'",
    )
