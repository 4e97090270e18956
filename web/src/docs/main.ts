// The API reference, from the repository's schema.graphql (bundled at build time) and the HTTP
// routes beside GraphQL: readable on a closed network, with no CDN.
import "../styles.css";
import "./docs.css";
import {
  type GraphQLField,
  type GraphQLNamedType,
  buildSchema,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isScalarType,
  isUnionType,
} from "graphql";
import sdl from "../../../schema.graphql?raw";
import { h } from "../dom";

const schema = buildSchema(sdl);

const HTTP_ROUTES: [string, string][] = [
  ["POST /graphql", "The GraphQL API. `Authorization: Bearer <token>`; `X-Purpose: <why>` for offender data; `Idempotency-Key` on mutations."],
  ["POST /photos", "Upload a photo (multipart: file, offenderId or markId, takenOn, classification)."],
  ["GET /photos/{id}", "A photo's bytes, to those who may see what it depicts (bearer token and purpose)."],
  ["GET /photos/{id}/thumbnail", "A JPEG at most 256 pixels across, on the same terms."],
  ["GET /healthz, GET /readyz", "Liveness; readiness (the database answers)."],
  ["GET /", "The explorer."],
  ["GET /graphiql, GET /docs", "GraphiQL and this page (development mode only)."],
];

function typeLink(name: string): HTMLElement {
  return h("a", { href: `#type-${name}` }, name);
}

function typeRef(type: { toString(): string }): (HTMLElement | string)[] {
  const text = type.toString();
  const name = text.replace(/[[\]!]/g, "");
  const [before, after] = text.split(name);
  return [before ?? "", typeLink(name), after ?? ""];
}

function kindOf(type: GraphQLNamedType): string {
  if (isObjectType(type)) return "type";
  if (isInterfaceType(type)) return "interface";
  if (isUnionType(type)) return "union";
  if (isEnumType(type)) return "enum";
  if (isInputObjectType(type)) return "input";
  return "scalar";
}

function field(f: GraphQLField<unknown, unknown> | { name: string; description?: string | null; type: { toString(): string }; args?: readonly { name: string; type: { toString(): string }; description?: string | null }[] }): HTMLElement {
  const args = f.args ?? [];
  return h("li", {},
    h("code", {}, f.name, args.length ? "(" : "", args.map((a, i) => [i ? ", " : "", `${a.name}: `, ...typeRef(a.type)]).flat(), args.length ? ")" : "", ": ", ...typeRef(f.type)),
    f.description ? h("p", { class: "meta" }, f.description) : null);
}

function section(type: GraphQLNamedType): HTMLElement {
  const body: (HTMLElement | null)[] = [];
  if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
    body.push(h("ul", {}, Object.values(type.getFields()).map((f) => field(f as GraphQLField<unknown, unknown>))));
  } else if (isUnionType(type)) {
    body.push(h("p", {}, "One of: ", type.getTypes().map((t, i) => [i ? " | " : "", typeLink(t.name)]).flat()));
  } else if (isEnumType(type)) {
    body.push(h("ul", {}, type.getValues().map((v) => h("li", {}, h("code", {}, v.name), v.description ? ` ${v.description}` : ""))));
  }
  return h("section", { class: "doc-type", id: `type-${type.name}`, "data-name": type.name.toLowerCase() },
    h("h3", {}, h("span", { class: "meta" }, `${kindOf(type)} `), type.name),
    type.description ? h("p", {}, type.description) : null, ...body);
}

const types = Object.values(schema.getTypeMap())
  .filter((type) => !type.name.startsWith("__") && !(isScalarType(type) && ["String", "Int", "Float", "Boolean", "ID"].includes(type.name)))
  .sort((a, b) => a.name.localeCompare(b.name));
const roots = [schema.getQueryType(), schema.getMutationType()].filter((t): t is NonNullable<typeof t> => Boolean(t));
const filter = h("input", { id: "filter", type: "search", placeholder: "Filter types" });
const list = h("div", { class: "doc-types" }, [...roots, ...types.filter((t) => !roots.includes(t as never))].map(section));
filter.addEventListener("input", () => {
  const wanted = filter.value.trim().toLowerCase();
  for (const element of list.querySelectorAll<HTMLElement>(".doc-type")) {
    element.hidden = Boolean(wanted) && !(element.dataset.name ?? "").includes(wanted);
  }
});

document.getElementById("docs-root")?.append(
  h("header", { class: "top" }, h("span", { class: "brand" }, "Offender Graph API · reference"), h("a", { href: "/" }, "Explorer"), h("a", { href: "/graphiql" }, "GraphiQL")),
  h("main", { class: "docs" },
    h("h1", {}, "API reference"),
    h("p", {}, "The GraphQL contract (schema.graphql) and the HTTP routes beside it. Every request needs a bearer token; reading offender data needs a purpose. Each field's description says who may read it."),
    h("h2", {}, "HTTP routes"),
    h("table", { class: "routes" }, h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Route"), h("th", { scope: "col" }, "What it does"))),
      h("tbody", {}, HTTP_ROUTES.map(([route, what]) => h("tr", {}, h("td", {}, h("code", {}, route)), h("td", {}, what))))),
    h("h2", {}, "GraphQL types"),
    h("label", { for: "filter" }, "Filter types by name"), filter,
    list));
