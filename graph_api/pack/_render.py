"""Renders the answer of the pack query (`pack.graphql`) as one HTML document: a cover with
the protective marking of the highest classification in the pack, then every section a MAPPA
meeting reviews (docs/design.md §12). Pure: data in, text out; every value is escaped."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from functools import cache
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import datetime as dt

_HERE = Path(__file__).resolve().parent
_RANK = {"OFFICIAL": 1, "OFFICIAL_SENSITIVE": 2, "SECRET": 3}
#: How each classification is marked on a page (Government Security Classifications).
MARKINGS = {"OFFICIAL": "OFFICIAL", "OFFICIAL_SENSITIVE": "OFFICIAL-SENSITIVE", "SECRET": "SECRET"}
_WITHHELD = (
    "Withheld: further records of this kind exist that you may not see (above your clearance "
    "or your agency's share). Ask the managing agency."
)


@cache
def stylesheet() -> str:
    return (_HERE / "pack.css").read_text()


def style_hash() -> str:
    """The CSP hash of the inline stylesheet (the HTML view allows exactly it)."""
    digest = hashlib.sha256(stylesheet().encode()).digest()
    return "sha256-" + base64.b64encode(digest).decode()


@dataclass(frozen=True)
class PackContext:
    """Who asked, why, when, and the request whose audit record the pack is."""

    user_id: str
    agency: str
    purpose: str
    request_id: str
    generated_at: dt.datetime
    #: Photo id -> a `data:` URI of its thumbnail (no request leaves the document).
    photos: dict[str, str]


def highest_classification(value: Any) -> str:
    """The highest `classification` anywhere in the answer (OFFICIAL when there is none)."""
    best = "OFFICIAL"
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            found = item.get("classification")
            if isinstance(found, str) and _RANK.get(found, 0) > _RANK[best]:
                best = found
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return best


def _e(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return escape(", ".join(str(v) for v in value)) or "—"
    return escape(str(value))


def _cls(value: str | None) -> str:
    if not value:
        return ""
    return f'<span class="cls {escape(value)}">{escape(MARKINGS.get(value, value))}</span>'


def _table(headers: list[str], rows: list[list[str]], empty: str) -> str:
    if not rows:
        return f'<p class="none">{escape(empty)}</p>'
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _withheld(connection: dict[str, Any] | None) -> str:
    return (
        f'<p class="withheld">{escape(_WITHHELD)}</p>'
        if connection and connection["withheld"]
        else ""
    )


def _risk_level(level: str | None) -> str:
    return f'<span class="risk-{_e(level)}">{_e(level)}</span>'


def _edges(connection: dict[str, Any] | None) -> list[dict[str, Any]]:
    return list(connection["edges"]) if connection else []


def _person(person: dict[str, Any]) -> str:
    kind = person["__typename"]
    if kind == "RestrictedNominal":
        agency = person["managingAgency"]
        return f"Restricted nominal {_e(person['id'])} (ask {_e(agency['name'])})"
    name = f"{_e(person.get('forename'))} {_e(person.get('surname'))}"
    if kind == "Offender":
        risk = person.get("riskLevel")
        return f'{name} <span class="risk-{_e(risk)}">({_e(risk)} risk, nominal)</span>'
    return name


def _section(title: str, connection: dict[str, Any] | None, body: str) -> str:
    return f"<h2>{escape(title)}</h2>{_withheld(connection)}{body}"


def render(answer: dict[str, Any], context: PackContext, today: dt.date) -> str:
    """The pack as an HTML document (the PDF is this document printed)."""
    o = answer
    marking = MARKINGS[highest_classification(o)]
    reference = f"Audit reference {context.request_id}"
    sections = [
        _cover(o, context, marking, reference),
        _risk(o),
        _convictions(o),
        _custody_and_licence(o, today),
        _notification(o, today),
        _address(o),
        _associates(o),
        _vehicles(o),
        _intelligence(o),
        _meetings(o, today),
        _sharing(o),
        _audit(o, context),
    ]
    title = f"MAPPA meeting pack — {_e(o['forename'])} {_e(o['surname'])}"
    return (
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
        f"<title>{title}</title><style>{stylesheet()}</style></head><body>"
        f'<div class="marking">{escape(marking)}</div>'
        f'<div class="reference">{escape(reference)}</div>' + "".join(sections) + "</body></html>"
    )


def _cover(o: dict[str, Any], context: PackContext, marking: str, reference: str) -> str:
    photo = next((context.photos[p["id"]] for p in o["photos"] if p["id"] in context.photos), None)
    picture = (
        f'<img src="{escape(photo)}" alt="Photograph of the nominal">'
        if photo
        else '<div class="nophoto">No photograph available to you</div>'
    )
    if o["photosWithheld"]:
        picture += f'<p class="withheld">{escape(_WITHHELD)}</p>'
    agency = o["managingAgency"]
    facts = [
        ("Name", f"{_e(o['forename'])} {_e(o['surname'])}"),
        ("Also known as", _e(o["aliases"])),
        ("Date of birth", _e(o["dob"])),
        ("Gender", _e(o["gender"])),
        ("PNC id", _e(o["pncId"])),
        ("Nominal type", _e(o["nominalType"])),
        ("MAPPA", f"category {_e(o['mappaCategory'])}, level {_e(o['mappaLevel'])}"),
        ("Risk", _risk_level(o["riskLevel"])),
        ("Managing agency", f"{_e(agency['name'])} ({_e(agency['code'])})"),
        ("Public protection", _e(agency.get("publicProtectionContact"))),
    ]
    rows = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in facts)
    withheld = [name for name, key in _LISTS if (o.get(key) or {}).get("withheld")] + (
        ["photographs"] if o["photosWithheld"] else []
    )
    note = (
        f'<p class="withheld">Withheld from this pack (records exist you may not see): '
        f"{escape(', '.join(withheld))}.</p>"
        if withheld
        else "<p>Nothing of the listed kinds is withheld from you.</p>"
    )
    return (
        f'<section class="cover"><h1>MAPPA meeting pack</h1>'
        f"<p>Protective marking: <strong>{escape(marking)}</strong> (the highest classification "
        "of anything in this pack). Handle, store and destroy accordingly.</p>"
        f'<table class="who"><tr><td class="photo">{picture}</td>'
        f'<td><table class="facts">{rows}</table></td></tr></table>{note}'
        f"<p>Prepared {escape(context.generated_at.strftime('%d %B %Y %H:%M UTC'))} for "
        f"{escape(context.user_id)} ({escape(context.agency)}), purpose: "
        f"“{escape(context.purpose)}”.</p><p><strong>{escape(reference)}</strong>: this "
        "disclosure is recorded in the offender's audit trail.</p></section>"
    )


_LISTS = (
    ("risk assessments", "riskAssessments"),
    ("convictions", "convictions"),
    ("custody", "custody"),
    ("licence conditions", "licenceConditions"),
    ("notification requirements", "notificationRequirements"),
    ("current addresses", "addresses"),
    ("associates", "associates"),
    ("vehicles", "vehicles"),
    ("intelligence", "intelligence"),
    ("MAPPA meetings", "mappaMeetings"),
)


def _risk(o: dict[str, Any]) -> str:
    rows = [
        [
            _e(e["assessment"]["assessedOn"]),
            _e(e["assessment"]["tool"]),
            _risk_level(e["assessment"]["level"]),
            _e(e["assessment"]["nextReviewOn"]),
            "current" if e["to"] is None else f"until {_e(e['to'])}",
            f"{_e(e['agency'])} {_cls(e['classification'])}",
        ]
        for e in _edges(o["riskAssessments"])
    ]
    body = _table(
        ["Assessed", "Tool", "Level", "Next review", "Status", "Recorded by"], rows,
        "No risk assessment on record that you may see.",
    )  # fmt: skip
    return _section("Risk and its history", o["riskAssessments"], body)


def _convictions(o: dict[str, Any]) -> str:
    rows = []
    for e in _edges(o["convictions"]):
        c = e["conviction"]
        index = " <strong>(index offence)</strong>" if c["isIndexOffence"] else ""
        rows.append([
            _e(c["convictedOn"]), f"{_e(c['offenceCode'])} {_e(c['offenceTitle'])}{index}",
            _e(c["court"]), _e(c["sentence"]), f"{_e(e['agency'])} {_cls(e['classification'])}",
        ])  # fmt: skip
    body = _table(
        ["Convicted", "Offence", "Court", "Sentence", "Recorded by"], rows,
        "No conviction on record that you may see.",
    )  # fmt: skip
    return _section("Index offence and convictions", o["convictions"], body)


def _custody_and_licence(o: dict[str, Any], today: dt.date) -> str:
    custody = [
        [
            _e(e["custody"]["establishment"]), _e(e["from"]), _e(e["custody"]["releaseOn"]),
            _e(e["custody"]["releasedOn"]) if e["custody"]["releasedOn"] else "in custody",
            f"{_e(e['agency'])} {_cls(e['classification'])}",
        ]
        for e in _edges(o["custody"])
    ]  # fmt: skip
    licence = [
        [
            _e(e["condition"]["kind"]), _e(e["condition"]["text"]), _e(e["from"]),
            _e(e["to"]), _e(e["condition"]["setBy"]),
            f"{_e(e['agency'])} {_cls(e['classification'])}",
        ]
        for e in _edges(o["licenceConditions"])
        if e["to"] is None or e["to"] >= today.isoformat()
    ]  # fmt: skip
    return _section(
        "Custody and release", o["custody"],
        _table(["Establishment", "Received", "Expected release", "Released", "Recorded by"],
               custody, "No custody episode on record that you may see."),
    ) + _section(
        "Licence conditions (current and to come)", o["licenceConditions"],
        _table(["Kind", "Condition", "From", "To", "Set by", "Recorded by"], licence,
               "No current licence condition that you may see."),
    )  # fmt: skip


def _notification(o: dict[str, Any], today: dt.date) -> str:
    rows = []
    for e in _edges(o["notificationRequirements"]):
        r = e["requirement"]
        due = r["nextDueOn"]
        late = ' <span class="overdue">OVERDUE</span>' if due and due < today.isoformat() else ""
        rows.append([
            _e(e["from"]), "indefinite" if r["indefinite"] else _e(r["until"]),
            _e(r["lastNotifiedOn"]), f"{_e(due)}{late}", _e(r["notifiedAt"]),
            f"{_e(e['agency'])} {_cls(e['classification'])}",
        ])  # fmt: skip
    body = _table(
        ["From", "Until", "Last notified", "Next due", "Where", "Recorded by"], rows,
        "No notification requirement on record that you may see.",
    )  # fmt: skip
    return _section(
        "Notification requirements (SOA 2003, Part 2)", o["notificationRequirements"], body
    )


def _address(o: dict[str, Any]) -> str:
    parts = []
    for e in _edges(o["addresses"]):
        a = e["address"]
        main = "main address" if e["main"] else "also stays"
        residents = [
            [_person(r["person"]), _e(r["from"]), _cls(r["classification"])]
            for r in _edges(a["residents"])
            if r["person"].get("id") != o["id"]
        ]
        parts.append(
            f"<h3>{_e(a['line1'])}, {_e(a['town'])} {_e(a['postcode'])} "
            f"({_e(a['kind'])}, {main}, since {_e(e['from'])}) {_cls(e['classification'])}</h3>"
            + _withheld(a["residents"])
            + _table(["Co-resident", "Since", ""], residents, "No one else you may see lives here.")
        )
    body = "".join(parts) or '<p class="none">No current address that you may see.</p>'
    return _section("Current address and co-residents", o["addresses"], body)


def _associates(o: dict[str, Any]) -> str:
    rows = [
        [_person(e["person"]), _e(e["type"]), _e(e["from"]),
         f"{_e(e['agency'])} {_cls(e['classification'])}"]
        for e in _edges(o["associates"])
    ]  # fmt: skip
    body = _table(["Associate (and risk)", "Link", "Since", "Recorded by"], rows,
                  "No current associate that you may see.")  # fmt: skip
    return _section("Associates and their risk", o["associates"], body)


def _vehicles(o: dict[str, Any]) -> str:
    rows = [
        [_e(e["vehicle"]["vrm"]),
         f"{_e(e['vehicle']['colour'])} {_e(e['vehicle']['make'])} {_e(e['vehicle']['model'])}",
         _e(e["role"]), _e(e["from"]), f"{_e(e['agency'])} {_cls(e['classification'])}"]
        for e in _edges(o["vehicles"])
    ]  # fmt: skip
    body = _table(["Registration", "Vehicle", "Role", "Since", "Recorded by"], rows,
                  "No current vehicle that you may see.")  # fmt: skip
    return _section("Vehicles", o["vehicles"], body)


def _intelligence(o: dict[str, Any]) -> str:
    rows = []
    for e in _edges(o["intelligence"]):
        i = e["intelligence"]
        grading = f"{_e(i['source'])}{_e(i['information'])}{_e(i['handling'])}"
        handling = (
            f"C: {_e(i['conditions'])}" if i["handling"] == "C" else "P: lawful sharing permitted"
        )
        rows.append([
            _e(i["recordedOn"]), _e(i["text"]), f"<strong>{grading}</strong>", handling,
            _e(i["reviewOn"]), f"{_e(e['agency'])} {_cls(e['classification'])}",
        ])  # fmt: skip
    body = _table(
        ["Recorded", "Intelligence", "3x5x2", "Handling conditions", "Review", "Recorded by"],
        rows, "No intelligence that you may see.",
    )  # fmt: skip
    return _section("Recent intelligence (graded 3x5x2)", o["intelligence"], body)


def _meetings(o: dict[str, Any], today: dt.date) -> str:
    parts = []
    open_actions = []
    for e in _edges(o["mappaMeetings"]):
        m = e["meeting"]
        decisions = "".join(f"<li>{_e(d)}</li>" for d in m["decisions"]) or "<li>none recorded</li>"
        parts.append(
            f"<h3>{_e(m['heldOn'])}: level {_e(m['level'])}, chaired by {_e(m['chairAgency'])} "
            f"{_cls(e['classification'])}</h3><p>Attending: {_e(m['attendingAgencies'])}; each "
            f"given a READ share at {_e(MARKINGS.get(m['shareCeiling']))} from "
            f"{_e(m['shareFrom'])} to {_e(m['shareUntil'])}.</p><ul>{decisions}</ul>"
            + _withheld(m["actions"])
        )
        for a in _edges(m["actions"]):
            action = a["action"]
            if action["doneOn"] is None:
                late = action["dueOn"] < today.isoformat()
                due = (
                    f'<span class="overdue">{_e(action["dueOn"])} OVERDUE</span>'
                    if late
                    else _e(action["dueOn"])
                )
                open_actions.append(
                    [_e(action["text"]), _e(action["ownerAgency"]), due, _e(m["heldOn"])]
                )
    body = "".join(parts) or '<p class="none">No MAPPA meeting that you may see.</p>'
    actions = _table(["Action", "Owner", "Due", "Agreed"], open_actions, "No open action.")
    return _section("MAPPA meetings and decisions", o["mappaMeetings"], body) + (
        "<h2>Open actions</h2>" + actions
    )


def _sharing(o: dict[str, Any]) -> str:
    sharing = o.get("sharing")
    if sharing is None:
        return '<h2>Who holds what</h2><p class="none">Shown to the managing agency only.</p>'
    shares = [
        [f"{_e(s['agency']['name'])} ({_e(s['agency']['code'])})", _e(s["mode"]),
         _e(MARKINGS.get(s["ceiling"])), _e(s["from"]), _e(s["to"]), _e(s["state"]),
         "MAPPA meeting" if s["meetingId"] else _e(s["justification"])]
        for s in sharing["shares"]
    ]  # fmt: skip
    requests = [
        [f"{_e(r['requesterAgency']['name'])}", _e(r["mode"]), _e(MARKINGS.get(r["ceiling"])),
         _e(r["purpose"]), _e(r["justification"]), _e(str(r["requestedAt"])[:10])]
        for r in sharing["pendingRequests"]
    ]  # fmt: skip
    counts = [[_e(c["agency"]), _e(c["kind"]), _e(c["count"])] for c in sharing["recordedBy"]]
    withheld = f'<p class="withheld">{escape(_WITHHELD)}</p>' if sharing["factsWithheld"] else ""
    return (
        "<h2>Who holds what</h2><h3>Shares (who was given what)</h3>"
        + _table(["Agency", "Mode", "Ceiling", "From", "To", "State", "Why"], shares, "No share.")
        + "<h3>Access requests waiting</h3>"
        + _table(["Agency", "Mode", "Ceiling", "Purpose", "Justification", "Asked"], requests,
                 "No pending request.")
        + "<h3>Facts recorded, by agency</h3>" + withheld
        + _table(["Agency", "Kind", "Count"], counts, "No facts.")
    )  # fmt: skip


def _audit(o: dict[str, Any], context: PackContext) -> str:
    return (
        f'<p class="audit">Produced by request {escape(context.request_id)}, recorded in the '
        f"audit trail of offender {_e(o['id'])} as a disclosure to {escape(context.user_id)} "
        f"({escape(context.agency)}). Contents follow the agency scope of the person who asked; "
        "another reader may see more or less.</p>"
    )
