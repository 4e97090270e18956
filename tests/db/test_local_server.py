"""The project's own Neo4j: starts idempotently, answers Bolt, keeps its password private."""

from __future__ import annotations

import stat
from typing import TYPE_CHECKING

from graph_api.db import LocalServer, neo4j_version

if TYPE_CHECKING:
    import neo4j

    from graph_api.settings import Settings


def test_local_server_is_neo4j_5_26_community(driver: neo4j.Driver, settings: Settings) -> None:
    records, _, _ = driver.execute_query(
        "CALL dbms.components() YIELD name, versions, edition RETURN name, versions, edition"
    )
    component = records[0]
    assert component["edition"] == "community"
    assert component["versions"][0].startswith("5.26.")
    if settings.uses_local_server:
        assert component["versions"][0] == neo4j_version()


def test_start_is_idempotent_and_status_reports_it(
    settings: Settings, driver: neo4j.Driver
) -> None:
    if not settings.uses_local_server:
        return
    server = LocalServer(settings)
    assert server.start() is False  # already running: nothing started, answers at once
    status = server.status()
    assert status.running
    assert status.answering
    assert status.port == settings.local_port


def test_password_is_generated_and_private(settings: Settings, driver: neo4j.Driver) -> None:
    if not settings.uses_local_server:
        return
    server = LocalServer(settings)
    password = server.password()
    assert password
    assert len(password) >= 24
    mode = server.password_file.stat().st_mode
    assert not mode & (stat.S_IRGRP | stat.S_IROTH)


def test_bolt_listens_on_loopback_only_and_http_is_off(
    settings: Settings, driver: neo4j.Driver
) -> None:
    if not settings.uses_local_server:
        return
    conf = (LocalServer(settings).conf_dir / "neo4j.conf").read_text()
    assert f"server.bolt.listen_address=127.0.0.1:{settings.local_port}" in conf
    assert "server.http.enabled=false" in conf
    assert "dbms.security.auth_enabled=true" in conf
