// Smoke check of the benchmark peer (`npm run check`): validates typeDefs.graphql, then sends
// every expressible query of queries.json to a running peer and prints what came back.
//
// Environment: as server.mjs (NEO4J_*, GRAPH_API_JWT_SECRET, PEER_PORT), plus
//   PEER_SMOKE_AGENCY   the principal's agency (default: the agency managing most offenders)
//   PYTHON              the project's Python, to derive the Lucene phrase and the plate regex
//                       with graph_api's own functions (default: ../../.venv/bin/python)

import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import { Neo4jGraphQL } from "@neo4j/graphql";
import { SignJWT } from "jose";
import neo4j from "neo4j-driver";

const here = fileURLToPath(new URL(".", import.meta.url));
const port = process.env.PEER_PORT || "4000";
const endpoint = `http://127.0.0.1:${port}/graphql`;

// 1. The type definitions, validated. server.mjs turns the validator off because it rejects
//    "$context.*" values on Date and enum fields; here they are swapped for literals of the
//    right type so that every other mistake is still caught.
const typeDefs = readFileSync(`${here}typeDefs.graphql`, "utf8")
  .replaceAll('"$context.today"', '"2000-01-01"')
  .replaceAll('"$context.classifications"', "[OFFICIAL]");
await new Neo4jGraphQL({
  typeDefs,
  features: { authorization: { key: "check-only" }, filters: { String: { MATCHES: true } } },
}).getSchema();
console.log("typeDefs.graphql: valid (with $context values replaced by literals)");

// 2. Sample variables from the database.
const driver = neo4j.driver(
  process.env.NEO4J_URI || "bolt://127.0.0.1:7687",
  neo4j.auth.basic(process.env.NEO4J_USER || "neo4j", process.env.NEO4J_PASSWORD),
);
const session = driver.session({ database: process.env.NEO4J_DATABASE || "neo4j" });
const agency =
  process.env.PEER_SMOKE_AGENCY ||
  (
    await session.run(
      "MATCH (o:Offender) RETURN o.managingAgency AS a, count(*) AS n ORDER BY n DESC, a LIMIT 1",
    )
  ).records[0].get("a");
const sample = (
  await session.run(
    `MATCH (o:Offender {managingAgency: $agency})
     OPTIONAL MATCH (o)-[:RESIDES_AT]->()<-[:RESIDES_AT]-()-[u:USES]->()
     WITH o, count(u) AS depth3 ORDER BY depth3 DESC, o.id LIMIT 1
     OPTIONAL MATCH (:Offender {managingAgency: $agency})-[:USES]->(v:Vehicle)
     RETURN o.id AS id, o.forename + ' ' + o.surname AS name, min(v.vrm) AS vrm`,
    { agency },
  )
).records[0];
await session.close();
await driver.close();
const offenderId = sample.get("id");
const name = sample.get("name");
const vrm = sample.get("vrm") ? `${sample.get("vrm").slice(0, 3)}? *` : "A*";

// The harness derives these with graph_api's functions; so does this check.
const python = process.env.PYTHON || `${here}../../.venv/bin/python`;
const derived = JSON.parse(
  execFileSync(
    python,
    [
      "-c",
      `import json, sys
from graph_api.planner.roots import lucene_name_query
from graph_api import ukformats
name, vrm = sys.argv[1], sys.argv[2]
print(json.dumps({"phrase": lucene_name_query(name),
                  "prefix": ukformats.vrm_pattern_prefix(vrm),
                  "regex": ukformats.vrm_pattern_regex(vrm)}))`,
      name,
      vrm,
    ],
    { cwd: `${here}../..`, encoding: "utf8" },
  ),
);
const now = new Date();
const today = [now.getFullYear(), now.getMonth() + 1, now.getDate()]
  .map((n, i) => String(n).padStart(i ? 2 : 4, "0"))
  .join("-"); // local date, as the harness's date.today()
const variables = {
  offender_depth1: { id: offenderId, today },
  offender_depth2: { id: offenderId, today },
  offender_depth3: { id: offenderId, today },
  offenders_page: { agency, riskLevels: ["MEDIUM", "HIGH", "VERY_HIGH"], first: 50 },
  search_name: { phrase: derived.phrase, first: 20 },
  vehicles_partial_vrm: { prefix: derived.prefix, regex: derived.regex, first: 20 },
  network_depth2: { id: offenderId },
};

// 3. A token as `graph-api token` mints it.
const token = await new SignJWT({
  agency,
  roles: ["ANALYST"],
  clearance: "SECRET",
  purpose: "peer smoke check",
})
  .setProtectedHeader({ alg: "HS256", typ: "JWT" })
  .setIssuer("offender-graph-api")
  .setAudience("offender-graph-api")
  .setSubject("peer-smoke")
  .setIssuedAt()
  .setExpirationTime("10m")
  .sign(new TextEncoder().encode(process.env.GRAPH_API_JWT_SECRET));

console.log(`principal: agency ${agency}, clearance SECRET; offender ${offenderId} (${name}); plate ${vrm}`);

/** Number of objects carrying an `id` anywhere in a response: a rough size of the answer. */
function countIds(value) {
  if (Array.isArray(value)) return value.reduce((n, v) => n + countIds(v), 0);
  if (value && typeof value === "object") {
    return Object.entries(value).reduce(
      (n, [k, v]) => n + (k === "id" ? 1 : 0) + countIds(v),
      0,
    );
  }
  return 0;
}

const manifest = JSON.parse(readFileSync(`${here}queries.json`, "utf8"));
let failed = 0;
for (const query of manifest.queries) {
  if (!query.document) {
    console.log(`${query.name.padEnd(22)} not expressible: ${query.notes.split(". ")[0]}.`);
    continue;
  }
  const document = readFileSync(`${here}${query.document}`, "utf8");
  const started = performance.now();
  const response = await fetch(endpoint, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: document, variables: variables[query.name] }),
  });
  const body = await response.json();
  const ms = (performance.now() - started).toFixed(0);
  if (body.errors) {
    failed += 1;
    console.log(`${query.name.padEnd(22)} ERROR ${JSON.stringify(body.errors[0].message)}`);
  } else {
    const tag = query.expressible === "yes" ? "" : ` [${query.expressible}]`;
    console.log(`${query.name.padEnd(22)} ok  ${String(countIds(body.data)).padStart(4)} ids  ${ms.padStart(5)} ms${tag}`);
  }
}
process.exit(failed ? 1 : 0);
