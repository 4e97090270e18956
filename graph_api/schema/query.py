"""The Query root: each root field plans one Cypher statement and shapes its records."""

from __future__ import annotations

from typing import TYPE_CHECKING

import strawberry

from graph_api import cypher_files
from graph_api.schema.reference import Agency, Me

if TYPE_CHECKING:
    from strawberry.types import Info

    from graph_api.schema.context import RequestContext


@strawberry.type
class Query:
    @strawberry.field(description="Who is asking. Any authenticated principal.")
    def me(self, info: Info[RequestContext, None]) -> Me:
        principal = info.context.principal()
        return Me(
            user_id=principal.user_id,
            agency=principal.agency,
            roles=sorted(principal.roles, key=lambda role: role.value),
            clearance=principal.clearance,
            purpose=principal.purpose,
        )

    @strawberry.field(description="Every agency, ordered by code. Any authenticated principal.")
    async def agencies(self, info: Info[RequestContext, None]) -> list[Agency]:
        info.context.principal()
        records = await info.context.database.read(cypher_files.query("agencies"))
        return [Agency(**record["agency"]) for record in records]
