"""The write API (issue 5): validate a mutation's input, then run it as one transaction.

`_commands` turns each mutation's typed arguments into a `Write` (checking roles,
classifications, dates and formats); `execute` runs it with its statement from
`cypher/writes/`, which checks the writer's scope and returns a status, maps that status to the
client's error, reads the changed object back, keeps the idempotency key and records the audit
record and the change event, all in one transaction. `_rules` says who may write; `_agencies`
adds and changes agencies (reference data); `_watch` keeps a user's watch list.
"""

from __future__ import annotations

from graph_api.writes._access_requests import (
    decide_access_request,
    request_access,
    withdraw_access_request,
)
from graph_api.writes._agencies import AgencyChange, save_agency
from graph_api.writes._commands import (
    NewAddress,
    NewAssociate,
    NewVehicle,
    add_alias,
    add_intelligence,
    add_mark,
    add_photo,
    add_risk_assessment,
    create_offender,
    end_address,
    end_association,
    link_associate,
    new_id,
    record_address,
    record_vehicle_use,
    revoke_share,
    share_offender,
    transfer_management,
    update_offender,
)
from graph_api.writes._execute import (
    Idempotency,
    Outcome,
    Write,
    change_event,
    decode_answer,
    encode_answer,
    execute,
)
from graph_api.writes._rules import (
    FACT_WRITERS,
    INTELLIGENCE_WRITERS,
    SHARE_WRITERS,
    require_role,
    role_names,
)
from graph_api.writes._watch import watch

__all__ = [
    "FACT_WRITERS",
    "INTELLIGENCE_WRITERS",
    "SHARE_WRITERS",
    "AgencyChange",
    "Idempotency",
    "NewAddress",
    "NewAssociate",
    "NewVehicle",
    "Outcome",
    "Write",
    "add_alias",
    "add_intelligence",
    "add_mark",
    "add_photo",
    "add_risk_assessment",
    "change_event",
    "create_offender",
    "decide_access_request",
    "decode_answer",
    "encode_answer",
    "end_address",
    "end_association",
    "execute",
    "link_associate",
    "new_id",
    "record_address",
    "record_vehicle_use",
    "request_access",
    "require_role",
    "revoke_share",
    "role_names",
    "save_agency",
    "share_offender",
    "transfer_management",
    "update_offender",
    "watch",
    "withdraw_access_request",
]
