"""Configuration from environment variables, with a local default for every setting."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

#: The checkout this package runs from; local state lives beside it, git-ignored.
PROJECT_ROOT = Path(__file__).resolve().parent.parent

#: Bolt ports of the managed local instances: the demo data and the throwaway test database.
LOCAL_PORTS = {"demo": 7687, "test": 7688}


class Settings(BaseSettings):
    """Every knob of the service. Environment variables override the defaults shown here."""

    model_config = SettingsConfigDict(env_prefix="", extra="ignore", frozen=True)

    # --- database -------------------------------------------------------------------------
    neo4j_uri: str | None = Field(
        default=None,
        description="External Neo4j 5.26+ (bolt://, neo4j:// for a cluster, neo4j+s:// for Aura). "
        "Unset: the project's own local server is used.",
    )
    neo4j_user: str = Field(default="neo4j", description="Database user.")
    neo4j_password: str | None = Field(
        default=None,
        description="Database password. Unset with the local server: its generated one.",
    )
    neo4j_database: str = Field(default="neo4j", description="Database name.")
    neo4j_query_timeout_seconds: float = Field(
        default=10.0, gt=0, description="Per-transaction timeout enforced by the server."
    )
    neo4j_connect_timeout_seconds: float = Field(
        default=3.0, gt=0, description="How long to wait for a connection before UNAVAILABLE."
    )
    neo4j_pool_size: int = Field(default=64, ge=1, description="Driver connection pool size.")

    # --- local server managed by `graph-api db` -------------------------------------------
    graph_api_local_instance: str = Field(
        default="demo",
        pattern=r"^[a-z][a-z0-9-]{0,30}$",
        description="Name of the local instance: its own data folder and port (demo, test, ...).",
    )
    graph_api_local_port: int | None = Field(
        default=None, ge=1024, le=65535, description="Bolt port of the local instance."
    )
    graph_api_state_dir: Path = Field(
        default=PROJECT_ROOT / ".local",
        description="Git-ignored folder for Neo4j jars, data, logs and generated passwords.",
    )
    graph_api_neo4j_heap: str = Field(default="4g", description="JVM heap of the local server.")
    graph_api_neo4j_pagecache: str = Field(
        default="4g", description="Page cache of the local server."
    )

    # --- HTTP service ---------------------------------------------------------------------
    graph_api_host: str = Field(default="127.0.0.1", description="Address `serve` binds.")
    graph_api_port: int = Field(default=8000, ge=1, le=65535, description="Port `serve` binds.")
    graph_api_jwt_secret: SecretStr | None = Field(
        default=None,
        description="HS256 secret for bearer tokens. Unset: one is generated into local state.",
    )
    graph_api_jwks_url: str | None = Field(
        default=None,
        description="JWKS URL for RS256 tokens (production). Set: HS256 tokens are refused.",
    )
    graph_api_jwt_issuer: str = Field(default="offender-graph-api", description="Required `iss`.")
    graph_api_jwt_audience: str = Field(default="offender-graph-api", description="Required `aud`.")
    graph_api_workers: int = Field(
        default=1, ge=1, le=64, description="uvicorn worker processes `serve` starts."
    )
    graph_api_dev_mode: bool = Field(
        default=False,
        description="Development mode: GraphiQL, introspection and field suggestions on.",
    )
    graph_api_owning_agency: str = Field(
        default="NCA",
        description="Code of the agency that owns the register: only its ADMINs create "
        "agencies or change another agency's record (an ADMIN otherwise keeps to its own).",
    )
    graph_api_audit_enabled: bool = Field(
        default=True,
        description="Write the section-62 audit record of every request that reads or changes "
        "offender data (docs/design.md §6). Turn off ONLY to measure what auditing costs "
        "(`graph-api bench --targets api-noaudit`); never in production.",
    )
    graph_api_audit_in_read: int = Field(
        default=64,
        ge=0,
        description="How many reads at once may write their request's audit record in their "
        "own statement (one round trip and one commit; the rest share group commits). The "
        "default, the driver's pool size, lets every lone read do it. Such a read is a write "
        "transaction: on a Neo4j cluster it runs on the leader. 0: never.",
    )
    graph_api_plan_rehearsal: bool = Field(
        default=True,
        description="After the database was lost, plan the most used statements again before "
        "/readyz says ready (graph_api/db/_plan_warmth.py). Turn off only to measure what it "
        "does (`graph-api bench --recovery`).",
    )
    graph_api_cors_origins: Annotated[tuple[str, ...], NoDecode] = Field(
        default=(),
        description="Browser origins allowed to call the API cross-origin, comma-separated "
        "(`https://a.example,https://b.example`). Empty: no CORS headers, so browsers refuse "
        "every cross-origin call.",
    )

    # --- photographic library (graph_api/photos.py) ----------------------------------------
    graph_api_photo_dir: Path = Field(
        default=PROJECT_ROOT / ".local" / "photos",
        description="Content-addressed store of photo bytes and thumbnails (`<sha256>.<ext>`).",
    )
    graph_api_photo_max_bytes: int = Field(
        default=10 * 1024 * 1024,
        ge=1_024,
        description="Largest photo upload in bytes; bigger ones get HTTP 413 (BAD_USER_INPUT).",
    )

    # --- the explorer (graph_api/web.py, docs/design.md §10) -----------------------------------
    graph_api_web_dir: Path = Field(
        default=PROJECT_ROOT / "web" / "dist",
        description="The built explorer (`npm run build` in web/), served at `/`.",
    )
    graph_api_trusted_documents: Path | None = Field(
        default=PROJECT_ROOT / "web" / "dist" / "trusted-documents.json",
        description='Manifest of trusted documents, `{"<sha256>": "<document>"}` '
        "(graphql-codegen's persisted documents; by default the built explorer's): clients "
        'may send `documentId: "sha256:<hex>"` instead of the text, and their queries are planned '
        "before /readyz says ready (graph_api/trusted_documents.py). A missing file: none.",
    )
    graph_api_trusted_documents_only: bool = Field(
        default=False,
        description="Run only the trusted documents (by id, or as text the manifest holds); "
        "any other document is PERSISTED_DOCUMENT_REQUIRED. For deployments whose clients are "
        "known apps; GraphiQL and ad-hoc documents stop working.",
    )
    graph_api_oidc_issuer: str | None = Field(
        default=None,
        description="OpenID Connect issuer the explorer signs in with (authorization code + "
        "PKCE), e.g. `https://login.example/realms/police`. Its tokens are verified by "
        "GRAPH_API_JWKS_URL as any other.",
    )
    graph_api_oidc_client_id: str | None = Field(
        default=None, description="The explorer's public client id at the OIDC issuer."
    )
    graph_api_oidc_scope: str = Field(
        default="openid profile", description="Scopes the explorer asks the OIDC issuer for."
    )
    graph_api_dev_token_seconds: int = Field(
        default=900,
        ge=60,
        le=8 * 3600,
        description="Lifetime of a token minted by the development sign-in.",
    )
    graph_api_photo_url_secret: SecretStr | None = Field(
        default=None,
        description="Key of signed photo URLs; the same on every replica. Unset: derived from "
        "GRAPH_API_JWT_SECRET (or the generated local one).",
    )
    graph_api_photo_url_seconds: int = Field(
        default=300,
        ge=10,
        le=3600,
        description="Lifetime of a signed photo URL (`Photo.url`, `Photo.thumbnailUrl`).",
    )

    # --- request limits (docs/design.md §9; each answers LIMIT_EXCEEDED naming the limit) ------
    graph_api_max_body_bytes: int = Field(
        default=65_536,
        ge=1_024,
        description="Largest request body in bytes; bigger ones get HTTP 413 before parsing.",
    )
    graph_api_max_tokens: int = Field(
        default=1_000,
        ge=10,
        description="Most lexical tokens (names, punctuation, values) in a GraphQL document; "
        "the parser stops counting there.",
    )
    graph_api_max_depth: int = Field(
        default=15,
        ge=1,
        le=15,
        description="Deepest field nesting in an operation (a root field is depth 0; fragments "
        "count where they are spread). At most 15, the planner's own hard stop.",
    )
    graph_api_max_aliases: int = Field(
        default=15,
        ge=0,
        description="Most aliased fields in a document (aliases multiply work at no token cost).",
    )
    graph_api_max_validation_seconds: float = Field(
        default=1.0,
        gt=0,
        le=30,
        description="Longest a document's validation may take; every rule is linear in the "
        "document, so only a document built to be slow reaches it.",
    )
    graph_api_max_header_bytes: int = Field(
        default=16_384,
        ge=1_024,
        description="Largest request header section (all names and values) in bytes; bigger "
        "gets HTTP 431 before anything else runs.",
    )
    graph_api_max_header_value_bytes: int = Field(
        default=8_192,
        ge=256,
        description="Largest single header value in bytes (a bearer token is about 1 KB).",
    )
    graph_api_max_cost: int = Field(
        default=2_000_000,
        ge=1,
        description="Highest estimated cost of an operation: every connection or list field "
        "costs 1 and multiplies what it contains by its page size (`first`, or 20); every "
        "root field costs at least 1. See `graph_api/schema/limits.py`.",
    )

    # --- faults, deadlines and operators (issue 12) ----------------------------------------
    graph_api_request_deadline_seconds: float = Field(
        default=12.0,
        gt=0,
        description="End-to-end deadline of each request, kept by the API: waiting for a "
        "connection, statements, the commit and the audit record all end by then, answered "
        "UNAVAILABLE (HTTP 503). Statements also get what is left as their Neo4j timeout.",
    )
    graph_api_outcome_check_seconds: float = Field(
        default=12.0,
        gt=0,
        description="When the answer to a write's COMMIT is lost, how long the API keeps asking "
        "the database whether it committed (by the write's own audit record) before answering "
        "OUTCOME_UNKNOWN. Past the request deadline; at least the statement timeout is best, "
        "so a transaction still open on the server is waited out.",
    )
    graph_api_metrics_enabled: bool = Field(
        default=False,
        description="Serve Prometheus metrics at /metrics (requests by operation and code, "
        "latency, database errors, sessions in use, audit commit time, write outcomes).",
    )
    graph_api_header_read_seconds: float = Field(
        default=10.0,
        gt=0,
        description="A request's headers must arrive within this many seconds of its first "
        "byte (or of the connection opening); slower: HTTP 408 and the connection closed. "
        "Applies under `graph-api serve`.",
    )
    graph_api_body_read_seconds: float = Field(
        default=10.0,
        gt=0,
        description="A request's body must arrive within this many seconds of its headers; "
        "slower: HTTP 408 and the connection closed.",
    )
    graph_api_max_connections_per_client: int = Field(
        default=256,
        ge=1,
        description="Most open connections from one client address (per worker process); "
        "more are answered 503 and closed. Applies under `graph-api serve`.",
    )
    graph_api_tracing_enabled: bool = Field(
        default=False,
        description="OpenTelemetry spans for each operation (Strawberry's extension). They "
        "go where the process's OpenTelemetry SDK sends them: run under "
        "`opentelemetry-instrument` with OTEL_* variables (no SDK: no spans, no cost).",
    )
    graph_api_idempotency_hours: float = Field(
        default=24.0,
        gt=0,
        description="How long an Idempotency-Key answers retries; after that it counts as "
        "new, and `graph-api audit archive` deletes it.",
    )
    # --- instant sharing (issue 15, docs/design.md §11) --------------------------------------
    graph_api_event_poll_seconds: float = Field(
        default=0.05,
        gt=0,
        le=5,
        description="How often each API process reads the change events committed since it "
        "last looked (the outbox in Neo4j that every replica tails); a write made in the same "
        "process is noticed at once.",
    )
    graph_api_max_subscriptions_per_connection: int = Field(
        default=20, ge=1, description="Subscriptions one WebSocket may run at once."
    )
    graph_api_max_connections_per_user: int = Field(
        default=10, ge=1, description="WebSockets one user may hold open to one API process."
    )
    graph_api_max_messages_per_second: float = Field(
        default=20.0,
        gt=0,
        description="Messages a client may send on one WebSocket per second (a burst of twice "
        "that is allowed); past it the socket closes with code 4429.",
    )
    graph_api_alert_days: int = Field(
        default=14,
        ge=1,
        le=365,
        description="Alerts look this far: changes of the last N days, and reviews, shares "
        "and other dates falling due within the next N days (or overdue).",
    )
    graph_api_audit_retention_days: int = Field(
        default=2_190,
        ge=1,
        description="Audit records older than this are archived to files and deleted by "
        "`graph-api audit archive` (six years by default).",
    )
    graph_api_audit_archive_dir: Path = Field(
        default=PROJECT_ROOT / ".local" / "audit-archive",
        description="Where `graph-api audit archive` writes its compressed JSON Lines files "
        "and MANIFEST.jsonl (append-only: files are added, never rewritten).",
    )
    graph_api_log_format: Literal["json", "text"] = Field(
        default="json",
        description="`json`: one JSON object per log line (with the request id) from "
        "`graph-api serve`; `text`: plain lines for a terminal.",
    )

    @field_validator("graph_api_cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        """Environment variables carry the origins comma-separated."""
        if isinstance(value, str):
            return tuple(origin.strip() for origin in value.split(",") if origin.strip())
        return value

    @property
    def local_port(self) -> int:
        """Bolt port of the local instance: configured, or the instance's well-known port."""
        if self.graph_api_local_port is not None:
            return self.graph_api_local_port
        return LOCAL_PORTS.get(self.graph_api_local_instance, 7689)

    @property
    def uses_local_server(self) -> bool:
        """True when no external database is configured."""
        return not self.neo4j_uri


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()
