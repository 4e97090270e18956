"""Who may write (docs/design.md §4 rule 6): the managing agency or a CONTRIBUTE share, within the
writer's clearance and the share's ceiling; sharing, revoking and transfer; and a write seen
at once by a sharing agency and never by a third, through the API as separate principals."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from graph_api.domain import Classification, Role

from .support import OUTSIDER, OWNER, PARTNER, error_code, ok

if TYPE_CHECKING:
    from collections.abc import Callable

READER = "PS_LDN"  # holds a READ share in these tests

SHARE = """
mutation ($o: ID!, $agency: String!, $ceiling: Classification!, $mode: ShareMode!, $until: Date) {
  shareOffender(offenderId: $o, agency: $agency, ceiling: $ceiling, mode: $mode,
                until: $until, justification: "MAPPA level 2 panel") { id version }
}
"""
MARK = """
mutation ($input: AddMarkInput!) {
  addMark(input: $input) { marks { edges { agency classification mark { description } } } }
}
"""
MARKS = """query ($id: ID!) { offender(id: $id) { id marks { edges { agency classification mark { description } } } } }"""


def mark(offender_id: str, description: str, classification: str = "OFFICIAL") -> dict[str, Any]:
    return {"input": {"offenderId": offender_id, "type": "SCAR", "bodyPart": "cheek",
                      "description": description, "from": "2024-01-01",
                      "classification": classification}}  # fmt: skip


async def share(
    graphql: Callable[..., Any], token: Callable[..., str], offender_id: str, agency: str,
    mode: str, ceiling: str = "OFFICIAL_SENSITIVE",
) -> None:  # fmt: skip
    variables = {"o": offender_id, "agency": agency, "ceiling": ceiling, "mode": mode}
    ok(await graphql(SHARE, variables, token=token(OWNER, Role.SUPERVISOR)))


async def test_a_write_is_seen_at_once_by_a_sharing_agency_and_never_by_a_third(
    graphql: Callable[..., Any], token: Callable[..., str], fresh: Callable[..., Any]
) -> None:
    offender = await fresh()
    await share(graphql, token, offender["id"], PARTNER, "READ")
    ok(await graphql(MARK, mark(offender["id"], "official scar"), token=token()))
    ok(await graphql(MARK, mark(offender["id"], "secret scar", "SECRET"), token=token()))
    owner = ok(await graphql(MARKS, {"id": offender["id"]}, token=token(OWNER, Role.ANALYST)))
    assert {e["mark"]["description"] for e in owner["offender"]["marks"]["edges"]} == {
        "official scar",
        "secret scar",
    }
    partner = ok(await graphql(MARKS, {"id": offender["id"]}, token=token(PARTNER, Role.ANALYST)))
    # The share's ceiling (OFFICIAL_SENSITIVE) keeps the SECRET fact from the partner.
    assert [e["mark"]["description"] for e in partner["offender"]["marks"]["edges"]] == [
        "official scar"
    ]
    outsider = await graphql(MARKS, {"id": offender["id"]}, token=token(OUTSIDER, Role.ANALYST))
    assert outsider == {"data": {"offender": None}}
    body = await graphql(MARK, mark(offender["id"], "outsider's scar"), token=token(OUTSIDER))
    assert error_code(body) == "NOT_FOUND"  # out of scope looks like absent


async def test_a_contribute_share_writes_within_its_ceiling(
    graphql: Callable[..., Any], token: Callable[..., str], fresh: Callable[..., Any]
) -> None:
    offender = await fresh()
    await share(graphql, token, offender["id"], PARTNER, "CONTRIBUTE")
    await share(graphql, token, offender["id"], READER, "READ")
    data = ok(
        await graphql(
            MARK, mark(offender["id"], "partner's scar", "OFFICIAL_SENSITIVE"), token=token(PARTNER)
        )
    )
    [link] = data["addMark"]["marks"]["edges"]
    assert link == {"agency": PARTNER, "classification": "OFFICIAL_SENSITIVE",
                    "mark": {"description": "partner's scar"}}  # fmt: skip
    above = await graphql(MARK, mark(offender["id"], "too secret", "SECRET"), token=token(PARTNER))
    assert error_code(above) == "FORBIDDEN"
    assert "ceiling" in above["errors"][0]["message"]
    reader = await graphql(MARK, mark(offender["id"], "reader's scar"), token=token(READER))
    assert error_code(reader) == "FORBIDDEN"
    assert "READ share" in reader["errors"][0]["message"]
    # The owner sees the partner's fact at once.
    owner = ok(await graphql(MARKS, {"id": offender["id"]}, token=token(OWNER, Role.ANALYST)))
    assert [e["agency"] for e in owner["offender"]["marks"]["edges"]] == [PARTNER]


async def test_a_fact_is_no_higher_than_the_writers_clearance(
    graphql: Callable[..., Any], token: Callable[..., str], fresh: Callable[..., Any]
) -> None:
    offender = await fresh()
    cleared_official = token(OWNER, clearance=Classification.OFFICIAL)
    body = await graphql(
        MARK, mark(offender["id"], "sensitive", "OFFICIAL_SENSITIVE"), token=cleared_official
    )
    assert error_code(body) == "FORBIDDEN"
    assert "clearance" in body["errors"][0]["message"]
    ok(await graphql(MARK, mark(offender["id"], "plain"), token=cleared_official))


async def test_only_the_managing_agencys_supervisor_shares(
    graphql: Callable[..., Any], token: Callable[..., str], fresh: Callable[..., Any]
) -> None:
    offender = await fresh()
    variables = {
        "o": offender["id"],
        "agency": PARTNER,
        "ceiling": "OFFICIAL",
        "mode": "CONTRIBUTE",
    }
    assert error_code(await graphql(SHARE, variables, token=token(OWNER))) == "FORBIDDEN"
    ok(await graphql(SHARE, variables, token=token(OWNER, Role.SUPERVISOR)))
    onward = {**variables, "agency": OUTSIDER}
    body = await graphql(SHARE, onward, token=token(PARTNER, Role.SUPERVISOR))
    assert error_code(body) == "FORBIDDEN"  # a CONTRIBUTE share does not share onwards
    cases = {
        "NOT_FOUND": ({**variables, "agency": "NOWHERE"}, Classification.SECRET),
        "BAD_USER_INPUT": ({**variables, "until": "2001-01-01"}, Classification.SECRET),
        "FORBIDDEN": ({**variables, "ceiling": "SECRET"}, Classification.OFFICIAL_SENSITIVE),
    }
    for code, (values, clearance) in cases.items():
        body = await graphql(
            SHARE, values, token=token(OWNER, Role.SUPERVISOR, clearance=clearance)
        )
        assert error_code(body) == code, (code, body)


async def test_revoking_a_share_ends_the_partners_scope(
    graphql: Callable[..., Any], token: Callable[..., str], fresh: Callable[..., Any]
) -> None:
    offender = await fresh()
    await share(graphql, token, offender["id"], PARTNER, "CONTRIBUTE")
    ok(await graphql(MARK, mark(offender["id"], "before"), token=token(PARTNER)))
    revoke = (
        """mutation ($o: ID!, $a: String!) { revokeShare(offenderId: $o, agency: $a) { id } }"""
    )
    ok(
        await graphql(
            revoke, {"o": offender["id"], "a": PARTNER}, token=token(OWNER, Role.SUPERVISOR)
        )
    )
    assert (
        error_code(await graphql(MARK, mark(offender["id"], "after"), token=token(PARTNER)))
        == "NOT_FOUND"
    )
    partner = await graphql(MARKS, {"id": offender["id"]}, token=token(PARTNER, Role.ANALYST))
    assert partner == {"data": {"offender": None}}
    again = await graphql(
        revoke, {"o": offender["id"], "a": PARTNER}, token=token(OWNER, Role.SUPERVISOR)
    )
    assert error_code(again) == "NOT_FOUND"


async def test_transfer_management(
    graphql: Callable[..., Any], token: Callable[..., str], fresh: Callable[..., Any]
) -> None:
    offender = await fresh()
    transfer = """mutation ($o: ID!, $a: String!) { transferManagement(offenderId: $o, agency: $a) {
        __typename ... on RestrictedNominal { id managingAgency { code } }
        ... on Offender { id managingAgency { code } } } }"""
    manager = token(OWNER)
    body = await graphql(transfer, {"o": offender["id"], "a": PARTNER}, token=manager)
    assert error_code(body) == "FORBIDDEN"
    data = ok(
        await graphql(
            transfer, {"o": offender["id"], "a": PARTNER}, token=token(OWNER, Role.SUPERVISOR)
        )
    )
    assert data["transferManagement"] == {
        "__typename": "RestrictedNominal", "id": offender["id"], "managingAgency": {"code": PARTNER},
    }  # fmt: skip
    assert (
        error_code(await graphql(MARK, mark(offender["id"], "old owner"), token=manager))
        == "NOT_FOUND"
    )
    data = ok(await graphql(MARK, mark(offender["id"], "new owner"), token=token(PARTNER)))
    assert data["addMark"]["marks"]["edges"][0]["agency"] == PARTNER


async def test_transfer_or_share_of_an_unknown_offender_is_not_found_whatever_the_agency(
    graphql: Callable[..., Any], token: Callable[..., str], fresh: Callable[..., Any]
) -> None:
    """Naming your own agency says nothing about an offender you do not manage."""
    supervisor = token(OWNER, Role.SUPERVISOR)
    transfer = """mutation ($o: ID!, $a: String!) { transferManagement(offenderId: $o, agency: $a) {
        __typename } }"""
    share = """mutation ($o: ID!, $a: String!) { shareOffender(offenderId: $o, agency: $a,
        ceiling: OFFICIAL, mode: READ, justification: "test") { id } }"""
    for document in (transfer, share):
        unknown = await graphql(document, {"o": "off_" + "f" * 32, "a": OWNER}, token=supervisor)
        assert error_code(unknown) == "NOT_FOUND"
    offender = await fresh()
    own = await graphql(transfer, {"o": offender["id"], "a": OWNER}, token=supervisor)
    assert error_code(own) == "BAD_USER_INPUT"
