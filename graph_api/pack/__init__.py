"""The MAPPA meeting pack (docs/design.md §12, issue 14): one GraphQL query through the public
schema, rendered server-side as a printable PDF and an HTML page."""

from __future__ import annotations

from graph_api.pack._render import highest_classification, render
from graph_api.pack._routes import document, pack_routes, print_pdf

__all__ = ["document", "highest_classification", "pack_routes", "print_pdf", "render"]
