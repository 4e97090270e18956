"""The project's own Neo4j server: fetch its jars with Maven, configure, start, stop, reset."""

from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from string import Template
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from graph_api.settings import Settings

_HERE = Path(__file__).resolve().parent
POM = _HERE / "pom.xml"
CONF_TEMPLATE = _HERE / "neo4j.conf"
ENTRY_POINT = "org.neo4j.server.CommunityEntryPoint"
ADMIN_TOOL = "org.neo4j.cli.AdminTool"
MIN_JAVA = 17
#: Benchmarks only (bench/peer/README.md): a true value puts the instance's plugins folder on the
#: server's class path and unrestricts apoc.*. The product itself needs no plugin
#: (docs/design.md §2).
PLUGINS_ENV = "GRAPH_API_NEO4J_PLUGINS"
UNRESTRICTED_APOC = "dbms.security.procedures.unrestricted=apoc.*"


class LocalServerError(RuntimeError):
    """The local server could not be fetched, started or stopped; the message says why."""


def neo4j_version() -> str:
    """The Neo4j version pinned in our pom.xml."""
    match = re.search(r"<neo4j.version>([^<]+)</neo4j.version>", POM.read_text())
    if match is None:  # pragma: no cover - the pom is ours
        raise LocalServerError(f"{POM} does not pin <neo4j.version>")
    return match.group(1)


@dataclass(frozen=True)
class ServerStatus:
    """What `graph-api db status` reports."""

    instance: str
    port: int
    pid: int | None
    answering: bool
    home: Path

    @property
    def running(self) -> bool:
        return self.pid is not None


class LocalServer:
    """One named local instance (its own folder, port and password) of Neo4j Community."""

    def __init__(self, settings: Settings) -> None:
        self.instance = settings.graph_api_local_instance
        self.port = settings.local_port
        self.state_dir = settings.graph_api_state_dir
        self.heap = settings.graph_api_neo4j_heap
        self.pagecache = settings.graph_api_neo4j_pagecache
        self.version = neo4j_version()
        self.lib_dir = self.state_dir / f"neo4j-{self.version}" / "lib"
        self.home = self.state_dir / "instances" / self.instance
        self.conf_dir = self.home / "conf"
        self.pid_file = self.home / "neo4j.pid"
        self.password_file = self.home / "password"
        self.console_log = self.home / "logs" / "console.log"
        self.plugins = os.environ.get(PLUGINS_ENV, "").lower() in {"1", "true", "yes"}

    # --- password ---------------------------------------------------------------------------

    def password(self) -> str | None:
        """The generated password of this instance, or None before its first start."""
        if self.password_file.exists():
            return self.password_file.read_text().strip()
        return None

    # --- jars -------------------------------------------------------------------------------

    def fetch(self) -> bool:
        """Resolve the server's jars from Maven Central into local state; False if already there."""
        marker = self.lib_dir.parent / ".complete"
        if marker.exists():
            return False
        mvn = shutil.which("mvn")
        if mvn is None:
            raise LocalServerError(
                "Maven (mvn) is not on PATH; install Maven 3.8+ to fetch the local Neo4j "
                "(or set NEO4J_URI to use an existing database)."
            )
        if self.lib_dir.exists():
            shutil.rmtree(self.lib_dir)
        self.lib_dir.mkdir(parents=True)
        command = [
            mvn, "-B", "-q", "-f", str(POM), "dependency:copy-dependencies",
            f"-DoutputDirectory={self.lib_dir}", "-DincludeScope=runtime",
        ]  # fmt: skip
        result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
        if result.returncode != 0:
            tail = (result.stdout + result.stderr).strip().splitlines()[-5:]
            raise LocalServerError(
                "Maven could not resolve Neo4j " + self.version + ": " + " | ".join(tail)
            )
        marker.write_text(self.version + "\n")
        return True

    # --- lifecycle --------------------------------------------------------------------------

    def status(self) -> ServerStatus:
        """Whether this instance runs (its pid is alive) and answers on its Bolt port."""
        pid = self._live_pid()
        answering = pid is not None and _port_open(self.port)
        return ServerStatus(self.instance, self.port, pid, answering, self.home)

    def start(self, timeout: float = 120.0) -> bool:
        """Start the server and wait for Bolt; idempotent. True if it was started by this call."""
        if self._live_pid() is not None:
            self._wait_for_bolt(timeout)
            return False
        java = _java()
        if _port_open(self.port):
            raise LocalServerError(
                f"port {self.port} is already taken by another program; stop it or set "
                "GRAPH_API_LOCAL_PORT to a free port."
            )
        self.fetch()
        jars = sorted((self.home / "plugins").glob("*.jar"))
        if jars and not self.plugins:
            # Procedure jars without the class path entry stop Neo4j with an obscure injection
            # error (bench/peer/README.md, APOC); say what to do instead.
            raise LocalServerError(
                f"the {self.instance} instance holds plugin jars ({jars[0].name}, ...; put there "
                f"by bench/peer/install-apoc.sh): start it with {PLUGINS_ENV}=true, or delete "
                f"{self.home / 'plugins'}/*.jar"
            )
        self._render_conf()
        if self.password() is None:
            self._set_initial_password(java)
        self.console_log.parent.mkdir(parents=True, exist_ok=True)
        # Kernel extensions (APOC registers one) are found on the class path only, as the
        # neo4j script's `-cp lib/*:plugins/*` does; the plugins folder alone is not enough.
        classpath = f"{self.lib_dir}/*"
        if self.plugins:
            classpath += f"{os.pathsep}{self.home / 'plugins'}/*"
        command = [java, *self._jvm_options(), "-cp", classpath, ENTRY_POINT,
                   f"--home-dir={self.home}", f"--config-dir={self.conf_dir}"]  # fmt: skip
        with self.console_log.open("ab") as log:
            process = subprocess.Popen(  # noqa: S603
                command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True, cwd=self.home,
            )  # fmt: skip
        self.pid_file.write_text(f"{process.pid}\n")
        try:
            self._wait_for_bolt(timeout, process)
        except LocalServerError:
            self.stop()
            raise
        return True

    def stop(self, timeout: float = 60.0) -> bool:
        """Stop the server (SIGTERM, then SIGKILL after `timeout`). False if it was not running."""
        pid = self._live_pid()
        if pid is None:
            self.pid_file.unlink(missing_ok=True)
            return False
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)
        self.pid_file.unlink(missing_ok=True)
        return True

    def reset(self) -> None:
        """Stop the instance and delete its data, logs and password; the jars are kept."""
        self.stop()
        if self.home.exists():
            shutil.rmtree(self.home)

    # --- internals --------------------------------------------------------------------------

    def _live_pid(self) -> int | None:
        if not self.pid_file.exists():
            return None
        try:
            pid = int(self.pid_file.read_text().strip())
        except ValueError:
            return None
        return pid if _alive(pid) and _is_neo4j(pid) else None

    def _render_conf(self) -> None:
        self.conf_dir.mkdir(parents=True, exist_ok=True)
        for folder in ("data", "logs", "run", "import", "plugins"):
            (self.home / folder).mkdir(exist_ok=True)
        text = Template(CONF_TEMPLATE.read_text()).substitute(
            bolt_port=self.port, instance_dir=self.home, heap=self.heap, pagecache=self.pagecache
        )
        if self.plugins:
            text += f"\n# Benchmarks only ({PLUGINS_ENV}).\n{UNRESTRICTED_APOC}\n"
        (self.conf_dir / "neo4j.conf").write_text(text)

    def _conf_values(self, key: str) -> list[str]:
        prefix = key + "="
        lines = (self.conf_dir / "neo4j.conf").read_text().splitlines()
        return [line[len(prefix) :].strip() for line in lines if line.startswith(prefix)]

    def _jvm_options(self) -> list[str]:
        heap_initial = self._conf_values("server.memory.heap.initial_size")
        heap_max = self._conf_values("server.memory.heap.max_size")
        options = [f"-Xms{heap_initial[-1]}"] if heap_initial else []
        options += [f"-Xmx{heap_max[-1]}"] if heap_max else []
        return options + self._conf_values("server.jvm.additional") + self._class_sharing()

    def _class_sharing(self) -> list[str]:
        """Class data sharing: the first run writes the classes it loaded to an archive when it
        stops; later starts map them instead of loading and verifying them again (measured on
        the national dataset: start 7.6 s instead of 16-22 s, the first plan 1.3 s instead of
        2.3 s). One archive per instance, Neo4j version and class path (the JVM ignores, with
        a warning in console.log, an archive that does not match)."""
        name = f"classes-{self.version}{'-plugins' if self.plugins else ''}.jsa"
        archive = self.home / name
        if archive.exists() and archive.stat().st_size > 0:
            return [f"-XX:SharedArchiveFile={archive}"]
        return [f"-XX:ArchiveClassesAtExit={archive}"]

    def _set_initial_password(self, java: str) -> None:
        password = secrets.token_urlsafe(24)
        command = [java, "-cp", f"{self.lib_dir}/*", ADMIN_TOOL, "dbms", "set-initial-password",
                   password]  # fmt: skip
        env = {**os.environ, "NEO4J_HOME": str(self.home), "NEO4J_CONF": str(self.conf_dir)}
        result = subprocess.run(  # noqa: S603
            command, capture_output=True, text=True, env=env, check=False
        )
        if result.returncode != 0:
            raise LocalServerError(
                "could not set the initial password: " + result.stderr.strip()[-300:]
            )
        self.password_file.write_text(password + "\n")
        self.password_file.chmod(0o600)

    def _wait_for_bolt(
        self, timeout: float, process: subprocess.Popen[bytes] | None = None
    ) -> None:
        """Wait until Bolt answers. A child of this process is judged by its exit status: the
        pid-file checks once reported a JVM that was still starting as gone (twice, on fresh
        instances with plugins), and the healthy server was left running, orphaned."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            exited = process.poll() is not None if process else self._live_pid() is None
            if exited:
                raise LocalServerError(
                    f"Neo4j exited while starting; see {self.console_log} and "
                    f"{self.home / 'logs' / 'neo4j.log'}. Last lines: {self._log_tail()}"
                )
            if _port_open(self.port) and _bolt_handshake(self.port):
                return
            time.sleep(0.3)
        raise LocalServerError(f"Neo4j did not answer on port {self.port} within {timeout:.0f}s")

    def _log_tail(self) -> str:
        log = self.home / "logs" / "neo4j.log"
        lines = log.read_text(errors="replace").splitlines() if log.exists() else []
        if not lines and self.console_log.exists():
            lines = self.console_log.read_text(errors="replace").splitlines()
        return " | ".join(lines[-3:])


def _java() -> str:
    """The java executable (JAVA_HOME first, then PATH), checked to be version 17 or newer."""
    java_home = os.environ.get("JAVA_HOME")
    candidate = str(Path(java_home) / "bin" / "java") if java_home else shutil.which("java")
    if not candidate or not Path(candidate).exists():
        raise LocalServerError(
            "Java is not installed (no java on PATH or in JAVA_HOME); Neo4j 5.26 needs JDK 17+."
        )
    result = subprocess.run(  # noqa: S603
        [candidate, "-version"], capture_output=True, text=True, check=False
    )
    match = re.search(r'version "(\d+)', result.stderr)
    if match is None or int(match.group(1)) < MIN_JAVA:
        found = match.group(1) if match else "unknown"
        raise LocalServerError(
            f"Neo4j 5.26 needs Java {MIN_JAVA}+, found Java {found} at {candidate}"
        )
    return candidate


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child still answers kill(0); treat it as gone.
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and ") Z " in stat.read_text())


def _is_neo4j(pid: int) -> bool:
    """Guards against a recycled pid: the process must be our java entry point."""
    cmdline = Path(f"/proc/{pid}/cmdline")
    if not cmdline.exists():
        return True  # no procfs: trust the pid file
    return ENTRY_POINT.encode() in cmdline.read_bytes()


def _port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _bolt_handshake(port: int) -> bool:
    """True when the port speaks Bolt: it answers the magic preamble with a version."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2) as sock:
            sock.sendall(b"\x60\x60\xb0\x17" + b"\x00\x00\x04\x05" + b"\x00" * 12)
            return len(sock.recv(4)) == 4
    except OSError:
        return False
