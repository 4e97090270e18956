// The benchmark peer (issue 6): the Neo4j GraphQL Library over the same Neo4j and data as the
// Offender Graph API, served by Apollo Server at http://127.0.0.1:$PEER_PORT/graphql.
//
// Environment (the same names the API reads):
//   NEO4J_URI (bolt://127.0.0.1:7687)  NEO4J_USER (neo4j)  NEO4J_PASSWORD (required)
//   NEO4J_DATABASE (neo4j)  GRAPH_API_JWT_SECRET (required: the API's HS256 secret)
//   PEER_PORT (4000)  PEER_DEBUG_CYPHER (1: print each generated Cypher statement)
//   PEER_SKIP_APOC_CHECK (1: start without the library's APOC check)
//   PEER_NAGLE (1: keep the JavaScript driver's default of Nagle's algorithm on Bolt sockets)

import { readFileSync } from "node:fs";
import net from "node:net";
import { fileURLToPath } from "node:url";

import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { startStandaloneServer } from "@apollo/server/standalone";
import { Neo4jGraphQL } from "@neo4j/graphql";
import { GraphQLError } from "graphql";
import { jwtVerify } from "jose";
import neo4j from "neo4j-driver";

// Our tokens (graph_api/identity.py): HS256, iss = aud = "offender-graph-api", claims sub,
// agency, roles (list) and clearance.
const ISSUER = "offender-graph-api";
const AUDIENCE = "offender-graph-api";
const CLASSIFICATIONS = ["OFFICIAL", "OFFICIAL_SENSITIVE", "SECRET"]; // ranks 1, 2, 3

function required(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`peer: ${name} must be set`);
    process.exit(2);
  }
  return value;
}

const config = {
  uri: process.env.NEO4J_URI || "bolt://127.0.0.1:7687",
  user: process.env.NEO4J_USER || "neo4j",
  password: required("NEO4J_PASSWORD"),
  database: process.env.NEO4J_DATABASE || "neo4j",
  secret: new TextEncoder().encode(required("GRAPH_API_JWT_SECRET")),
  port: Number.parseInt(process.env.PEER_PORT || "4000", 10),
};

function unauthenticated(message) {
  return new GraphQLError(message, {
    extensions: { code: "UNAUTHENTICATED", http: { status: 401 } },
  });
}

/** Verifies the bearer token as the API does; returns its claims. */
async function verifiedClaims(authorization) {
  if (!authorization) {
    throw unauthenticated("no bearer token; send `Authorization: Bearer <token>`");
  }
  const [scheme, token] = authorization.split(" ", 2);
  if (scheme.toLowerCase() !== "bearer" || !token) {
    throw unauthenticated("the Authorization header must be `Bearer <token>`");
  }
  try {
    const { payload } = await jwtVerify(token.trim(), config.secret, {
      algorithms: ["HS256"],
      issuer: ISSUER,
      audience: AUDIENCE,
      requiredClaims: ["exp", "sub"],
    });
    if (typeof payload.agency !== "string" || !CLASSIFICATIONS.includes(payload.clearance)) {
      throw new Error("claims");
    }
    return payload;
  } catch {
    throw unauthenticated("the token is not valid (signature, issuer, audience, expiry or claims)");
  }
}

/** Today as a Neo4j Date, in the server's local time zone (as the API's `date.today()`). */
function today() {
  const now = new Date();
  return new neo4j.types.Date(now.getFullYear(), now.getMonth() + 1, now.getDate());
}

// neo4j-driver 5 for JavaScript leaves Nagle's algorithm on for its Bolt sockets (it never calls
// setNoDelay). With the server's delayed ACKs, a request whose last Bolt write is small stalls
// ~40 ms on Linux: measured on the demo data, offender(id) depth 1 at concurrency 1 took 55 ms
// with it and 14 ms without. The Python driver our API uses sets TCP_NODELAY, so the peer does
// too; PEER_NAGLE=1 restores the driver's own default.
if (process.env.PEER_NAGLE !== "1") {
  const connect = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function connectWithoutNagle(...args) {
    this.setNoDelay(true);
    return connect.apply(this, args);
  };
}

const here = fileURLToPath(new URL(".", import.meta.url));
const typeDefs = readFileSync(`${here}typeDefs.graphql`, "utf8");

const driver = neo4j.driver(config.uri, neo4j.auth.basic(config.user, config.password), {
  maxConnectionPoolSize: 64,
  connectionAcquisitionTimeout: 3000,
});

const neoSchema = new Neo4jGraphQL({
  typeDefs,
  driver,
  features: {
    // The token is verified above and handed over as `jwt`; the key is kept for completeness.
    authorization: {
      key: process.env.GRAPH_API_JWT_SECRET,
      verifyOptions: { algorithms: ["HS256"], issuer: ISSUER, audience: AUDIENCE },
    },
    // `vrm: { matches: "^AB1..DE$" }` for partial number plates (off by default in the library).
    filters: { String: { MATCHES: true } },
    // Keep the generated schema to the current (7.x) filter syntax.
    excludeDeprecatedFields: {
      mutationOperations: true,
      aggregationFilters: true,
      aggregationFiltersOutsideConnection: true,
      relationshipFilters: true,
      attributeFilters: true,
    },
  },
  debug: process.env.PEER_DEBUG_CYPHER === "1",
  // The type-definition validator coerces every rule value to its field's type, so it rejects
  // "$context.today" on a Date field and "$context.classifications" on an enum field, although
  // the translator substitutes both as Cypher parameters correctly. Without these two values
  // the rules could not say "shared today" or "within the clearance"; see README.md.
  validate: false,
});

const schema = await neoSchema.getSchema();
await driver.verifyConnectivity({ database: config.database });
// The library's own start-up check: Neo4j 5+ with APOC's apoc.util.validatePredicate and
// apoc.date.convertFormat (see install-apoc.sh). The benchmark's queries and filter rules do not
// call APOC themselves, so PEER_SKIP_APOC_CHECK=1 lets the peer read a server without it.
if (process.env.PEER_SKIP_APOC_CHECK !== "1") {
  try {
    await neoSchema.checkNeo4jCompat({ sessionConfig: { database: config.database } });
  } catch (error) {
    console.error(`peer: ${config.uri} does not suit the Neo4j GraphQL Library: ${error.message}`);
    console.error("peer: install APOC core with bench/peer/install-apoc.sh (see README.md)");
    await driver.close();
    process.exit(3);
  }
}

const server = new ApolloServer({
  schema,
  introspection: true, // the harness may introspect; the peer is a benchmark target, not a product
  includeStacktraceInErrorResponses: false, // as our API: messages, never stack traces
  plugins: [ApolloServerPluginLandingPageDisabled()], // no Sandbox page fetched from a CDN
});

const { url } = await startStandaloneServer(server, {
  listen: { host: "127.0.0.1", port: config.port }, // every path, /graphql included
  context: async ({ req }) => {
    const jwt = await verifiedClaims(req.headers.authorization);
    const rank = CLASSIFICATIONS.indexOf(jwt.clearance) + 1;
    return {
      jwt, // pre-verified claims: the library does not decode the token again
      today: today(),
      classifications: CLASSIFICATIONS.slice(0, rank),
      sessionConfig: { database: config.database },
    };
  },
});

console.log(`peer: Neo4j GraphQL Library serving ${url} over ${config.uri}`);

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, async () => {
    await server.stop();
    await driver.close();
    process.exit(0);
  });
}
