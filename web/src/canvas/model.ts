// The explorer's own graph model, independent of the canvas library: API nodes and edges in,
// drawable items out; validity on a date (the time slider); CSV export; colours.

export type NodeKind = "Offender" | "Associate" | "Address" | "Vehicle" | "Mark" | "RestrictedNominal";
export type LinkType = "RESIDES_AT" | "ASSOCIATED_WITH" | "USES" | "HAS_MARK";

export interface GraphNode {
  id: string;
  kind: NodeKind;
  label: string;
  /** Offenders: their risk level. */
  risk?: string;
  /** Offenders and restricted nominals: the managing agency's code. */
  agency?: string;
  /** Shown on hover and in the side panel, in this order. */
  details: [string, string][];
}

export interface GraphEdge {
  id: string;
  source: string;
  target: string;
  type: string;
  from: string | null;
  to: string | null;
  agency: string | null;
  classification: string | null;
}

/** Any node shape the API answers (NetworkNode, LinkedPerson, link targets). */
export interface ApiNode {
  __typename?: string;
  id: string;
  forename?: string;
  surname?: string;
  dob?: string | null;
  pncId?: string;
  riskLevel?: string;
  nominalType?: string;
  mappaLevel?: number;
  managingAgency?: { code: string; name: string };
  line1?: string;
  town?: string;
  postcode?: string;
  kind?: string;
  vrm?: string;
  make?: string;
  model?: string;
  colour?: string;
  type?: string;
  bodyPart?: string;
  side?: string | null;
  description?: string;
}

export function toGraphNode(node: ApiNode, kind: NodeKind = (node.__typename ?? "Associate") as NodeKind): GraphNode {
  switch (kind) {
    case "Offender":
      return {
        id: node.id,
        kind,
        label: `${node.forename ?? ""} ${node.surname ?? ""}`.trim(),
        risk: node.riskLevel,
        agency: node.managingAgency?.code,
        details: [
          ["Type", "Offender"],
          ["PNC", node.pncId ?? ""],
          ["Born", node.dob ?? "unknown"],
          ["Risk", humanise(node.riskLevel ?? "")],
          ["Nominal", node.nominalType ?? ""],
          ["MAPPA level", String(node.mappaLevel ?? "")],
          ["Managed by", node.managingAgency ? `${node.managingAgency.name} (${node.managingAgency.code})` : ""],
        ],
      };
    case "Associate":
      return {
        id: node.id,
        kind,
        label: `${node.forename ?? ""} ${node.surname ?? ""}`.trim(),
        details: [
          ["Type", "Associate"],
          ["Born", node.dob ?? "unknown"],
        ],
      };
    case "Address":
      return {
        id: node.id,
        kind,
        label: `${node.line1 ?? ""}, ${node.postcode ?? ""}`,
        details: [
          ["Type", "Address"],
          ["Address", `${node.line1 ?? ""}, ${node.town ?? ""}`],
          ["Postcode", node.postcode ?? ""],
          ["Kind", humanise(node.kind ?? "")],
        ],
      };
    case "Vehicle":
      return {
        id: node.id,
        kind,
        label: formatPlate(node.vrm ?? ""),
        details: [
          ["Type", "Vehicle"],
          ["Plate", formatPlate(node.vrm ?? "")],
          ["Vehicle", `${node.colour ?? ""} ${node.make ?? ""} ${node.model ?? ""}`.trim()],
        ],
      };
    case "Mark":
      return {
        id: node.id,
        kind,
        label: `${humanise(node.type ?? "")}, ${node.side ? `${humanise(node.side)} ` : ""}${node.bodyPart ?? ""}`,
        details: [
          ["Type", humanise(node.type ?? "Mark")],
          ["Where", `${node.side ? `${humanise(node.side)} ` : ""}${node.bodyPart ?? ""}`],
          ["Description", node.description ?? ""],
        ],
      };
    case "RestrictedNominal":
      return {
        id: node.id,
        kind,
        label: `Restricted · ${node.managingAgency?.code ?? "?"}`,
        agency: node.managingAgency?.code,
        details: [
          ["Type", "Restricted nominal (outside your agency's scope)"],
          ["Managed by", node.managingAgency ? `${node.managingAgency.name} (${node.managingAgency.code})` : ""],
          ["To see more", "ask the managing agency for a share"],
        ],
      };
  }
}

export function edgeId(source: string, target: string, type: string): string {
  // One drawn edge per pair and type, whichever way round the API reports it.
  const [a, b] = source < target ? [source, target] : [target, source];
  return `${type}:${a}:${b}`;
}

export function toGraphEdge(edge: {
  source: string;
  target: string;
  type: string;
  from?: string | null;
  to?: string | null;
  agency?: string | null;
  classification?: string | null;
}): GraphEdge {
  return {
    id: edgeId(edge.source, edge.target, edge.type),
    source: edge.source,
    target: edge.target,
    type: edge.type,
    from: edge.from ?? null,
    to: edge.to ?? null,
    agency: edge.agency ?? null,
    classification: edge.classification ?? null,
  };
}

/** Whether a link was valid on `day` (ISO dates compare as strings); no day: always. */
export function validOn(edge: Pick<GraphEdge, "from" | "to">, day: string | null): boolean {
  if (!day) return true;
  if (edge.from && edge.from > day) return false;
  if (edge.to && edge.to < day) return false;
  return true;
}

/** What a search box's text most likely is: a plate pattern, a mark, or a name. */
export type SearchKind = "plate" | "mark" | "name";

export const MARK_TYPES = ["SCAR", "TATTOO", "MARK", "PIERCING", "BIRTHMARK", "DEFORMITY"] as const;

export function classifySearch(text: string): SearchKind {
  const trimmed = text.trim();
  const first = trimmed.split(/\s+/)[0]?.toUpperCase().replace(/S$/, "") ?? "";
  if ((MARK_TYPES as readonly string[]).includes(first)) return "mark";
  const compact = trimmed.replace(/\s+/g, "");
  if (/[?*]/.test(compact) && /^[A-Za-z0-9?*]{1,8}$/.test(compact)) return "plate";
  if (/^[A-Za-z0-9]{2,8}$/.test(compact) && /\d/.test(compact) && /[A-Za-z]/.test(compact)) return "plate";
  return "name";
}

/** "tattoo left forearm snake" -> { type: TATTOO, text: "left forearm snake" }. */
export function markQuery(text: string): { type: string | null; text: string | null } {
  const words = text.trim().split(/\s+/);
  const first = words[0]?.toUpperCase().replace(/S$/, "") ?? "";
  if ((MARK_TYPES as readonly string[]).includes(first)) {
    const rest = words.slice(1).join(" ").replace(/,/g, " ").trim();
    return { type: first, text: rest || null };
  }
  return { type: null, text: text.trim() || null };
}

/** A stored plate (AB12CDE) as people write it (AB12 CDE). */
export function formatPlate(vrm: string): string {
  return /^[A-Z]{2}\d{2}[A-Z]{3}$/.test(vrm) ? `${vrm.slice(0, 4)} ${vrm.slice(4)}` : vrm;
}

export function humanise(value: string): string {
  const words = value.replace(/_/g, " ").toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function csvCell(value: string | number | null | undefined): string {
  const text = value === null || value === undefined ? "" : String(value);
  // Quote always; double inner quotes; defuse spreadsheet formulas (=, +, -, @ at the start).
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return `"${safe.replace(/"/g, '""')}"`;
}

/** The drawing as CSV: one section of nodes, one of links. */
export function toCsv(nodes: GraphNode[], edges: GraphEdge[]): string {
  const lines = [["kind", "id", "label", "risk", "agency"].map(csvCell).join(",")];
  for (const node of nodes) {
    lines.push([node.kind, node.id, node.label, node.risk, node.agency].map(csvCell).join(","));
  }
  lines.push("");
  lines.push(["link", "source", "target", "from", "to", "agency", "classification"].map(csvCell).join(","));
  for (const edge of edges) {
    lines.push(
      [edge.type, edge.source, edge.target, edge.from, edge.to, edge.agency, edge.classification]
        .map(csvCell)
        .join(","),
    );
  }
  return `${lines.join("\r\n")}\r\n`;
}

export const RISK_COLOURS: Record<string, string> = {
  VERY_HIGH: "#b3001b",
  HIGH: "#e25c00",
  MEDIUM: "#c99700",
  LOW: "#2e7d32",
};

const AGENCY_PALETTE = ["#1f4e9c", "#6a1b9a", "#00695c", "#ad1457", "#4e342e", "#283593", "#00838f", "#558b2f"];

/** A stable colour per agency code (border of its offenders). */
export function agencyColour(code: string | undefined): string {
  if (!code) return "#555555";
  let hash = 0;
  for (const char of code) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return AGENCY_PALETTE[hash % AGENCY_PALETTE.length] ?? "#555555";
}

/** Days since 1970 <-> ISO dates, for the time slider. */
export function dayNumber(iso: string): number {
  return Math.floor(Date.parse(`${iso}T00:00:00Z`) / 86_400_000);
}

export function isoDay(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}
