"""The keys the planner writes into every object map besides the client's response keys.

None is a GraphQL name (`[_A-Za-z][_0-9A-Za-z]*`), so no alias can overwrite them: the
concrete type of the object (for unions and interfaces) and, on offenders and restricted
nominals, the id that the request's audit record names (`graph_api.audit.Disclosure`),
whatever the client selected; and the stored scalars of a map, which the database layer
spreads into it before anyone reads it (`spread_scalars`).
"""

from __future__ import annotations

from typing import Any

TYPE_KEY = "#type"
ID_KEY = "#id"
#: On a network or path: markers (`TYPE_KEY`, `ID_KEY`) of every offender among its nodes,
#: since edges name their ends by id even when no node is selected.
DISCLOSED_KEY = "#disclosed"
#: A map's scalars stored under their own names, as `[response keys, values]`: the statement
#: reads them by the names a parameter lists (`planner.projection`), so its text, and so the
#: database's plan of it, stays the same whichever of them a document selects and however it
#: aliases them.
SCALARS_KEY = "#scalars"
#: Present in a statement's text exactly when some map of it carries `SCALARS_KEY`.
SCALARS_MARK = f"`{SCALARS_KEY}`"


def spread_scalars(value: Any) -> None:
    """Spread every `SCALARS_KEY` entry in `value` (maps and lists, nested) into its map, under
    its response keys, in place."""
    stack = [value]
    while stack:
        item = stack.pop()
        if type(item) is dict:
            scalars = item.pop(SCALARS_KEY, None)
            stack.extend(item.values())  # before the scalars join: nothing to walk in them
            if scalars is not None:
                item.update(zip(scalars[0], scalars[1], strict=True))
        elif type(item) is list:
            stack.extend(item)
