#!/usr/bin/env bash
# Copies APOC core (resolved by Maven from apoc-pom.xml) into a Neo4j instance's plugins folder,
# for the benchmark peer only (the product itself needs no plugin, DESIGN.md §2).
#
#   bench/peer/install-apoc.sh INSTANCE_DIR [LIB_DIR]
#
# INSTANCE_DIR  the instance home, e.g. .local/instances/bench: its rendered conf points
#               server.directories.plugins at INSTANCE_DIR/plugins.
# LIB_DIR       the server's jar folder (default: the newest .local/neo4j-*/lib); APOC's own
#               dependencies that the server already ships (commons-lang3, commons-text) are
#               not copied, so each class is on the class path once.
#
# Copying the jar is all a start needs for APOC's functions and unrestricted procedures
# (everything the Neo4j GraphQL Library calls); see README.md for the conf line that the
# launcher would need for apoc.* procedures that are sandboxed.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
instance="${1:?usage: install-apoc.sh INSTANCE_DIR [LIB_DIR]}"
lib="${2:-$(ls -d "$root"/.local/neo4j-*/lib 2>/dev/null | sort -V | tail -n 1)}"

command -v mvn >/dev/null || { echo "install-apoc.sh: Maven (mvn) is not on PATH" >&2; exit 1; }
mkdir -p "$instance/plugins"
staging="$(mktemp -d)"
trap 'rm -rf "$staging"' EXIT

if ! mvn -B -q -Dstyle.color=never -f "$here/apoc-pom.xml" dependency:copy-dependencies \
        -DoutputDirectory="$staging/jars" -DincludeScope=runtime >"$staging/mvn.log" 2>&1; then
    echo "install-apoc.sh: Maven could not resolve APOC:" >&2
    tail -n 20 "$staging/mvn.log" >&2
    exit 1
fi

for jar in "$staging"/jars/*.jar; do
    name="$(basename "$jar")"
    artifact="${name%-[0-9]*.jar}"          # commons-lang3-3.12.0.jar -> commons-lang3
    if [[ -n "$lib" ]] && compgen -G "$lib/$artifact-[0-9]*.jar" >/dev/null; then
        echo "skip $name (the server ships $(basename "$(compgen -G "$lib/$artifact-[0-9]*.jar" | head -n 1)"))"
        continue
    fi
    rm -f "$instance/plugins/$artifact"-[0-9]*.jar   # an older copy of the same artifact
    cp "$jar" "$instance/plugins/"
    echo "installed $name -> $instance/plugins/"
done
