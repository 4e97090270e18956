"""Rule 11 in the data: every MAPPA meeting gave each attending agency a READ share for its
window at the chair's ceiling, and during that window the meeting is in the agency's scope
exactly as the oracle's shares say (the scope tests then check every read against it)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from policy_oracle import RANK, PolicyOracle, RawGraph, Viewer

if TYPE_CHECKING:
    import neo4j


def test_every_meeting_gave_its_shares(
    driver: neo4j.Driver, database: str, tiny_graph: dict[str, Any]
) -> None:
    del tiny_graph
    graph = RawGraph.load(driver, database)
    meetings = graph.of_kind("MappaMeeting")
    assert meetings
    given = {
        (link.start, graph.agency_code(link.end), link.props["ceiling"], link.props["from"],
         link.props["to"])
        for link in graph.links
        if link.type == "SHARED_WITH" and link.props.get("meeting")
        and link.props["mode"] == "READ"
    }  # fmt: skip
    today = dt.date.today()
    for meeting in meetings:
        oracle = PolicyOracle(graph, Viewer(str(meeting.props["chairAgency"])))
        expected = oracle.meeting_shares(meeting.id)
        assert expected <= given, meeting.id
        for offender, agency, ceiling, start, end in expected:
            if start <= today <= end:
                attending = PolicyOracle(graph, Viewer(agency))
                assert attending.ceiling(offender) >= RANK[ceiling], (meeting.id, agency)
