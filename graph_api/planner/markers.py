"""The keys the planner writes into every object map besides the client's response keys.

Neither is a GraphQL name (`[_A-Za-z][_0-9A-Za-z]*`), so no alias can overwrite them: the
concrete type of the object (for unions and interfaces) and, on offenders and restricted
nominals, the id that the request's audit record names (`graph_api.audit.Disclosure`),
whatever the client selected.
"""

from __future__ import annotations

TYPE_KEY = "#type"
ID_KEY = "#id"
#: On a network or path: markers (`TYPE_KEY`, `ID_KEY`) of every offender among its nodes,
#: since edges name their ends by id even when no node is selected.
DISCLOSED_KEY = "#disclosed"
