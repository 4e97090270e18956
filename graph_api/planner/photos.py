"""The statement behind `GET /photos/{id}`: a photo, when the principal may see it.

A photo is visible through a visible `DEPICTS` link (docs/access-policy.md): to an in-scope
offender, within the offender's ceiling; or to a mark that a visible `HAS_MARK` link of an
in-scope offender makes visible, within that offender's ceiling too (the mark's cap: a share's
ceiling caps the photos of the offender's marks). It answers the offenders
through which it is visible (for the audit record), or no row at all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from graph_api import access

if TYPE_CHECKING:
    from graph_api.identity import Principal


def visible_photo(principal: Principal, photo_id: str) -> tuple[str, dict[str, Any]]:
    """The statement and parameters: one row (sha256, mediaType, offenders) or none."""
    cypher = (
        "MATCH (p:Photo {id: $photoId}) "
        "CALL (p) { "
        "MATCH (p)-[d:DEPICTS]->(o:Offender) "
        f"WITH o, d, {access.ceiling('o', 's1')} AS c "
        "WHERE c > 0 AND $rank[d.classification] <= c "
        "RETURN o.id AS offenderId "
        "UNION "
        "MATCH (p)-[d:DEPICTS]->(:Mark)<-[h:HAS_MARK]-(o:Offender) "
        f"WITH o, d, h, {access.ceiling('o', 's2')} AS c "
        "WHERE c > 0 AND $rank[h.classification] <= c AND $rank[d.classification] <= c "
        "RETURN o.id AS offenderId "
        "} "
        "WITH p, collect(DISTINCT offenderId) AS offenders WHERE size(offenders) > 0 "
        "RETURN p.sha256 AS sha256, p.mediaType AS mediaType, offenders"
    )
    return cypher, access.principal_parameters(principal) | {"photoId": photo_id}
