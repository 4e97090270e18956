"""Applies the numbered schema migrations in `cypher/migrations/` once each, recording them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from graph_api.cypher_files import Migration, migrations

if TYPE_CHECKING:
    import neo4j


def applied_versions(driver: neo4j.Driver, database: str) -> set[int]:
    """Versions recorded as applied in the database."""
    records, _, _ = driver.execute_query(
        "MATCH (m:Migration) RETURN m.version AS version", database_=database
    )
    return {record["version"] for record in records}


def migrate(driver: neo4j.Driver, database: str, wait_seconds: int = 600) -> list[Migration]:
    """Apply the migrations not yet recorded; return those applied. Safe to run again."""
    done = applied_versions(driver, database)
    applied = []
    for migration in migrations():
        if migration.version in done:
            continue
        with driver.session(database=database) as session:
            for statement in migration.statements:
                session.run(statement).consume()
            session.run(
                "MERGE (m:Migration {version: $version}) "
                "SET m.name = $name, m.checksum = $checksum, m.appliedAt = datetime()",
                version=migration.version,
                name=migration.name,
                checksum=migration.checksum,
            ).consume()
        applied.append(migration)
    with driver.session(database=database) as session:
        session.run("CALL db.awaitIndexes($seconds)", seconds=wait_seconds).consume()
    return applied
