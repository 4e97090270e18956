"""The planner's Cypher, checked without a database: user input only as parameters, the policy
at every hop, response keys and markers as the client and the audit need them.

Selections are built by hand (`Selected`), as the planner receives them from the walker.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from graph_api.domain import Classification, Role
from graph_api.errors import BadUserInput
from graph_api.identity import Principal
from graph_api.planner import analysis, roots
from graph_api.planner.markers import ID_KEY, SCALARS_KEY, TYPE_KEY, spread_scalars
from graph_api.planner.selection import Selected, by_response_key

HOSTILE = "off_1'}) DETACH DELETE (n) //` \\u0027"
ANALYST = Principal("u", "MET", frozenset({Role.ANALYST}), Classification.SECRET, "test")


def leaf(name: str, key: str | None = None) -> Selected:
    return Selected(name, key or name, {}, "String")


def node(
    name: str, type_name: str, *fields: Selected, key: str | None = None, **args: object
) -> Selected:
    return Selected(name, key or name, dict(args), type_name, {type_name: tuple(fields)})


def connection(
    name: str, link: str, target: Selected, key: str | None = None, **args: object
) -> Selected:
    edges = node("edges", link, leaf("from"), leaf("classification"), target)
    return node(name, f"{link}Connection", edges, leaf("totalCount"), key=key, **args)


def offender(*fields: Selected) -> Selected:
    return node("offender", "Offender", *fields)


def test_user_input_travels_only_as_parameters() -> None:
    selection = offender(leaf("surname"), connection("addresses", "AddressLink",
                         node("address", "Address", leaf("postcode"))))  # fmt: skip
    plan = roots.plan_offender(selection, ANALYST, HOSTILE)
    assert HOSTILE not in plan.cypher
    assert HOSTILE in plan.parameters.values()
    assert "DETACH" not in plan.cypher


def test_every_link_list_applies_the_policy_with_the_walk_cap() -> None:
    residents = connection(
        "residents", "ResidentLink", Selected("person", "person", {}, "LinkedPerson", {
            "Associate": (leaf("surname"),), "Offender": (leaf("surname"),),
            "RestrictedNominal": (leaf("id"),)})
    )  # fmt: skip
    selection = offender(
        connection("addresses", "AddressLink", node("address", "Address", residents))
    )
    cypher = roots.plan_offender(selection, ANALYST, "off_1").cypher
    # Two link lists, each filtered by clearance and by the cap of the node it hangs from.
    assert cypher.count("<= $clearance AND $rank[") >= 2
    assert re.search(r"\$rank\[r\d+\.classification\] <= c\b", cypher)  # the root cap
    assert re.search(r"\$rank\[r\d+\.classification\] <= k\d+", cypher)  # the address's cap


def test_aliases_are_response_keys_and_markers_are_not_names() -> None:
    selection = offender(leaf("surname", key="__typename"), leaf("forename", key="__id"))
    plan = roots.plan_offender(selection, ANALYST, "off_1")
    assert f"`{TYPE_KEY}`: 'Offender'" in plan.cypher
    assert f"`{ID_KEY}`: o.id" in plan.cypher
    # stored scalars are read by the names a parameter lists, and answered under their keys
    assert [["surname", "forename"], ["__typename", "__id"]] in plan.parameters.values()
    record = {"result": {TYPE_KEY: "Offender", SCALARS_KEY: [["__typename", "__id"], ["A", "B"]]}}
    spread_scalars([record])
    assert record["result"] == {TYPE_KEY: "Offender", "__typename": "A", "__id": "B"}
    assert not re.fullmatch(r"[_A-Za-z][_0-9A-Za-z]*", TYPE_KEY)
    assert not re.fullmatch(r"[_A-Za-z][_0-9A-Za-z]*", ID_KEY)


def test_the_text_does_not_change_with_the_scalars_selected_or_their_aliases() -> None:
    """A document that selects other stored scalars, or aliases them, runs on the same plan."""

    def text(link: Selected, *scalars: Selected) -> str:
        address = node("address", "Address", *scalars)
        edges = node("edges", "AddressLink", link, address)
        addresses = node("addresses", "AddressLinkConnection", edges, first=5)
        return roots.plan_offender(offender(*scalars, addresses), ANALYST, "off_1").cypher

    one = text(leaf("from"), leaf("id"), leaf("postcode"))
    assert text(leaf("main", key="m"), leaf("id", key="who"), leaf("town", key="t")) == one
    assert all(name not in one for name in ("postcode", "town", "main"))
    assert text(leaf("from")) != one  # no stored scalar at all is another shape


def test_the_same_list_twice_under_two_aliases_keeps_both() -> None:
    address = node("address", "Address", leaf("postcode"))
    selection = offender(
        connection("addresses", "AddressLink", address, key="a", first=1),
        connection("addresses", "AddressLink", address, key="b", asOf=dt.date(2020, 1, 1)),
    )
    plan = roots.plan_offender(selection, ANALYST, "off_1")
    assert "`a`:" in plan.cypher
    assert "`b`:" in plan.cypher
    assert dt.date(2020, 1, 1) in plan.parameters.values()


def test_page_sizes_are_bounded_before_any_statement() -> None:
    selection = offender(connection("addresses", "AddressLink", leaf("id"), first=101))
    with pytest.raises(BadUserInput, match="between 1 and 100"):
        roots.plan_offender(selection, ANALYST, "off_1")


def test_analyses_are_bounded_and_paths_try_each_cap() -> None:
    path = node("shortestPath", "Path", leaf("length"))
    with pytest.raises(BadUserInput, match="maxHops"):
        analysis.plan_shortest_path(path, ANALYST, "off_1", "off_2", 7, None, dt.date.today())
    plan = analysis.plan_shortest_path(path, ANALYST, "off_1", "off_2", 3, None, dt.date.today())
    assert "UNWIND [k IN [1, 2, 3] WHERE k <= ca] AS cap" in plan.cypher
    assert "{1,3}" in plan.cypher
    with pytest.raises(BadUserInput, match="depth"):
        analysis.plan_network(node("network", "Network"), ANALYST, "off_1", 4, None, None)


def test_a_network_marks_its_offenders_for_the_audit_whatever_is_selected() -> None:
    edges_only = node("network", "Network", node("edges", "NetworkEdge", leaf("source")))
    assert (
        "`#disclosed`" in analysis.plan_network(edges_only, ANALYST, "off_1", 2, None, None).cypher
    )
    length_only = node("shortestPath", "Path", leaf("length"))
    plan = analysis.plan_shortest_path(length_only, ANALYST, "a", "b", 2, None, dt.date.today())
    assert "`#disclosed`" not in plan.cypher


def test_values_built_by_name_are_keyed_by_alias() -> None:
    me = node("me", "Me", leaf("userId", key="who"), leaf("agency"), leaf("agency", key="again"))
    keyed = by_response_key({"userId": "alice", "agency": "MET", "roles": []}, me)
    assert keyed == {"who": "alice", "agency": "MET", "again": "MET"}


def test_the_disclosure_walk_follows_the_projection_by_response_key() -> None:
    """The read's own audit record (planner.disclosed): every person reached, by the keys the
    client chose; a field where an offender may hide beyond the walk leaves it to Python."""
    person = Selected("person", "who", {}, "LinkedPerson", {
        "Offender": (leaf("surname"),), "RestrictedNominal": (leaf("id"),)})  # fmt: skip
    selection = offender(
        leaf("surname", key="id"),
        connection("associates", "AssociateLink", person, key="known"),
        connection("addresses", "AddressLink", node("address", "Address", leaf("postcode"))),
    )
    plan = roots.plan_offender(selection, ANALYST, "off_1")
    assert plan.disclosed is not None
    assert "result.`known`.`edges`" in plan.disclosed
    assert ".`who`.`#type`" in plan.disclosed
    assert "addresses" not in plan.disclosed  # no person below: nothing to walk
    sharing = node("sharing", "SharingView", node("pendingRequests", "AccessRequest",
                   node("offender", "Offender", leaf("id"))))  # fmt: skip
    assert roots.plan_offender(offender(sharing), ANALYST, "off_1").disclosed is None


def test_a_page_discloses_only_the_rows_it_shows() -> None:
    """Neither the count row nor the look-ahead row (first + 1) is in the read's own record."""
    person = Selected("person", "person", {}, "LinkedPerson", {"Offender": (leaf("id"),)})
    edges = node("edges", "OffenderEdge", node("node", "Offender", leaf("surname"),
                 connection("associates", "AssociateLink", person)), key="rows")  # fmt: skip
    page = node("offenders", "OffenderConnection", edges, leaf("totalCount"))
    plan = roots.plan_offenders(page, ANALYST, None, "SURNAME", 5, None)
    assert plan.columns == ("k", "id", "item", "total")
    assert plan.disclosed is not None
    size = next(name for name, value in plan.parameters.items() if value == 5)
    assert re.search(rf"IN rows WHERE (row\d+)\.id IS NOT NULL\]\[0\.\.\${size}\]", plan.disclosed)
    assert ".item.`rows`.`node`" in plan.disclosed


def test_an_agencys_page_in_surname_order_reads_the_index_in_page_order() -> None:
    """Only the surname order of one agency has an index in that order (migration 0013)."""
    selection = node("offenders", "OffenderConnection", node("edges", "OffenderEdge",
                     node("node", "Offender", leaf("surname"))))  # fmt: skip
    hint = "USING INDEX o:Offender(managingAgency, surname, id)"

    def cypher(filters: dict[str, str] | None, order: str) -> str:
        return roots.plan_offenders(selection, ANALYST, filters, order, 5, None).cypher

    agency = {"managingAgency": "MET"}
    assert hint in cypher(agency, "SURNAME")
    assert "ORDER BY o.managingAgency, k ASC, o.id ASC" in cypher(agency, "SURNAME")
    assert hint not in cypher(agency, "DATE_OF_BIRTH")
    assert hint not in cypher(None, "SURNAME")
