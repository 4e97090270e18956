// The graph canvas view: expand by link type, path and common associates between two people,
// the time slider (asOf), hover and side-panel details, fit/zoom/undo, PNG and CSV export.
import { ApiError, request } from "../api/client";
import { CommonAssociatesQuery, ExpandQuery, NetworkQuery, ShortestPathQuery } from "../api/documents";
import type { LinkType, RestrictedCardFragment } from "../gql/graphql";
import { h, replace } from "../dom";
import { withheldLists } from "../withheld";
import { accessRequestBlock } from "./cards";
import { withheldMarker } from "./withheld";
import { GraphCanvas } from "../canvas/graphCanvas";
import {
  type ApiNode,
  type GraphEdge,
  type GraphNode,
  dayNumber,
  humanise,
  isoDay,
  toCsv,
  toGraphEdge,
  toGraphNode,
} from "../canvas/model";

const FIRST = 50;
const EARLIEST = "1990-01-01";

interface Expansion {
  label: string;
  linkTypes?: LinkType[];
  flag?: "addresses" | "associates" | "vehicles" | "residents" | "users";
}

const EXPANSIONS: Record<string, Expansion[]> = {
  Offender: [
    { label: "Everything", linkTypes: undefined },
    { label: "Addresses", linkTypes: ["RESIDES_AT"] },
    { label: "Associates", linkTypes: ["ASSOCIATED_WITH"] },
    { label: "Vehicles", linkTypes: ["USES"] },
    { label: "Marks", linkTypes: ["HAS_MARK"] },
  ],
  Associate: [
    { label: "Addresses", flag: "addresses" },
    { label: "Associates", flag: "associates" },
    { label: "Vehicles", flag: "vehicles" },
  ],
  Address: [{ label: "Residents", flag: "residents" }],
  Vehicle: [{ label: "Users", flag: "users" }],
};

function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = h("a", { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export class ExplorerView {
  readonly element: HTMLElement;
  private canvas!: GraphCanvas;
  private readonly surface: HTMLElement;
  private readonly status = h("p", { class: "status", role: "status", "aria-live": "polite", id: "canvas-status" });
  private readonly panel = h("div", { class: "details", id: "details" });
  private readonly tooltip = h("div", { class: "tooltip", role: "tooltip", hidden: true });
  private readonly nodeList = h("select", { id: "node-list" });
  private readonly pair = { first: null as GraphNode | null, second: null as GraphNode | null };
  private readonly pairText = h("p", { class: "meta", id: "pair" }, "Choose two people from the side panel.");
  private readonly pathButton = h("button", { type: "button", disabled: true }, "Find path");
  private readonly commonButton = h("button", { type: "button", disabled: true }, "Common associates");
  private readonly undoButton = h("button", { type: "button", disabled: true }, "Undo");
  private readonly history: string[][] = [];
  /** Restricted nominals met on the canvas, as the API described them (for "Request access"). */
  private readonly restricted = new Map<string, RestrictedCardFragment>();
  /** Per node, the lists its expansions found withheld links in ("addresses", ...). */
  private readonly withheld = new Map<string, Set<string>>();
  private asOf: string | null = null;

  constructor(private readonly openProfile: (id: string) => void) {
    const surface = h("div", { class: "canvas", id: "canvas", role: "img", "aria-label": "Network drawing; the side panel lists and describes its nodes" });
    this.surface = surface;
    const today = isoDay(Math.floor(Date.now() / 86_400_000));
    const slider = h("input", { id: "as-of", type: "range", min: dayNumber(EARLIEST), max: dayNumber(today), step: 1, value: dayNumber(today), disabled: true });
    const sliderValue = h("output", { for: "as-of", id: "as-of-value" }, "all dates");
    const allDates = h("input", { id: "all-dates", type: "checkbox", checked: true });
    const onDate = () => {
      this.asOf = allDates.checked ? null : isoDay(Number(slider.value));
      slider.disabled = allDates.checked;
      sliderValue.textContent = this.asOf ?? "all dates";
      this.canvas.setDay(this.asOf);
      this.report();
    };
    slider.addEventListener("input", onDate);
    allDates.addEventListener("change", onDate);
    this.nodeList.addEventListener("change", () => {
      const node = this.canvas.node(this.nodeList.value);
      if (node) {
        this.canvas.select(node.id);
        this.showDetails(node);
      }
    });
    this.pathButton.addEventListener("click", () => void this.findPath());
    this.commonButton.addEventListener("click", () => void this.findCommonAssociates());
    this.undoButton.addEventListener("click", () => this.undo());

    const toolbar = h("div", { class: "toolbar", role: "toolbar", "aria-label": "Canvas" },
      h("button", { type: "button", onclick: () => this.canvas.fit() }, "Fit"),
      h("button", { type: "button", onclick: () => this.canvas.zoom(1.25), "aria-label": "Zoom in" }, "+"),
      h("button", { type: "button", onclick: () => this.canvas.zoom(0.8), "aria-label": "Zoom out" }, "−"),
      h("button", { type: "button", onclick: () => void this.canvas.layout() }, "Lay out"),
      this.undoButton,
      h("button", { type: "button", onclick: () => this.clear() }, "Clear"),
      h("button", { type: "button", onclick: () => download(this.canvas.png(), "network.png") }, "Export PNG"),
      h("button", { type: "button", onclick: () => download(new Blob([toCsv(this.canvas.allNodes(), this.canvas.allEdges())], { type: "text/csv" }), "network.csv") }, "Export CSV"),
    );
    const timebar = h("div", { class: "timebar" },
      h("label", { for: "as-of" }, "Links valid on"), slider, sliderValue,
      h("label", { class: "inline" }, allDates, " all dates"));
    const legend = h("p", { class: "legend meta" },
      "Fill: risk (",
      h("span", { class: "key very-high" }, "very high"), ", ", h("span", { class: "key high" }, "high"), ", ",
      h("span", { class: "key medium" }, "medium"), ", ", h("span", { class: "key low" }, "low"),
      "); border: managing agency; grey dashed: restricted nominal; square: address; diamond: vehicle; triangle: mark.");

    this.element = h("section", { class: "explorer", "aria-labelledby": "canvas-title" },
      h("div", { class: "explorer-main" },
        h("h2", { id: "canvas-title" }, "Network"),
        toolbar, timebar,
        h("div", { class: "canvas-wrap" }, surface, this.tooltip),
        legend, this.status),
      h("aside", { class: "panel side", "aria-labelledby": "side-title" },
        h("h2", { id: "side-title" }, "Details"),
        h("label", { for: "node-list" }, "Node on the canvas"), this.nodeList,
        this.panel,
        h("h3", {}, "Two people"),
        this.pairText,
        h("div", { class: "actions" }, this.pathButton, this.commonButton)),
    );
    this.showDetails(null);
  }

  /** Start the canvas: once the view is in the document (the library measures its box). */
  mount(): void {
    this.canvas = new GraphCanvas(this.surface, {
      select: (node) => (node ? this.showDetails(node) : this.showDetails(null)),
      hover: (node, position) => {
        this.tooltip.hidden = !node;
        if (!node) return;
        replace(this.tooltip, h("strong", {}, node.label), ...node.details.slice(0, 4).map(([k, v]) => h("div", {}, `${k}: ${v}`)));
        this.tooltip.style.left = `${position.x + 14}px`;
        this.tooltip.style.top = `${position.y + 14}px`;
      },
    });
  }

  /** Draw an offender and its direct links. */
  async draw(offenderId: string): Promise<void> {
    await this.expandOffender(offenderId, undefined);
  }

  /** Add already-known nodes and edges (used by measurements and search results). */
  async addAll(nodes: GraphNode[], edges: GraphEdge[]): Promise<string[]> {
    const added = this.canvas.add(nodes, edges);
    this.remember(added);
    await this.canvas.arrange();
    return added;
  }

  get graph(): GraphCanvas {
    return this.canvas;
  }

  private async run(what: string, work: () => Promise<string>): Promise<void> {
    this.status.textContent = `${what}…`;
    try {
      this.status.textContent = await work();
    } catch (error) {
      this.status.textContent = error instanceof ApiError ? `${what} failed: ${error.message} (${error.code})` : `${what} failed.`;
    }
  }

  private async expandOffender(id: string, linkTypes: LinkType[] | undefined): Promise<void> {
    await this.run("Expanding", async () => {
      const asked = (type: LinkType) => !linkTypes || linkTypes.includes(type);
      const answer = await request(NetworkQuery, {
        offenderId: id, depth: 1, linkTypes: linkTypes ?? null, asOf: this.asOf,
        addresses: asked("RESIDES_AT"), associates: asked("ASSOCIATED_WITH"), vehicles: asked("USES"), marks: asked("HAS_MARK"),
      });
      if (!answer.network) return "That offender is not in your agency's scope.";
      this.noteWithheld(id, withheldLists(answer.lists));
      const nodes = this.learn(answer.network.nodes as ApiNode[]);
      const edges = answer.network.edges.map(toGraphEdge);
      const added = this.canvas.add(nodes, edges, id);
      this.remember(added);
      await this.canvas.arrange();
      const centre = this.canvas.node(id);
      if (centre) {
        this.canvas.select(id);
        this.showDetails(centre);
      }
      return this.summary(added.length);
    });
  }

  private async expandOther(node: GraphNode, flag: NonNullable<Expansion["flag"]>): Promise<void> {
    await this.run("Expanding", async () => {
      const flags = { addresses: false, associates: false, vehicles: false, residents: false, users: false, [flag]: true };
      const answer = await request(ExpandQuery, { id: node.id, asOf: this.asOf, first: FIRST, ...flags });
      const found = answer.node;
      const nodes: GraphNode[] = [];
      const edges: GraphEdge[] = [];
      const link = (other: ApiNode, kind: GraphNode["kind"] | undefined, type: string, facts: { from: string; to?: string | null; agency: string; classification: string }, outward: boolean) => {
        nodes.push(...(kind ? [toGraphNode(other, kind)] : this.learn([other])));
        const [source, target] = outward ? [node.id, other.id] : [other.id, node.id];
        edges.push(toGraphEdge({ source, target, type, ...facts }));
      };
      let total = 0;
      if (found?.__typename === "Associate") {
        for (const edge of found.addresses?.edges ?? []) link(edge.address, "Address", "RESIDES_AT", edge, true);
        for (const edge of found.associates?.edges ?? []) link(edge.person as ApiNode, undefined, "ASSOCIATED_WITH", edge, true);
        for (const edge of found.vehicles?.edges ?? []) link(edge.vehicle, "Vehicle", "USES", edge, true);
        total = (found.addresses?.totalCount ?? 0) + (found.associates?.totalCount ?? 0) + (found.vehicles?.totalCount ?? 0);
        this.noteWithheld(node.id, withheldLists({ addresses: found.addresses, associates: found.associates, vehicles: found.vehicles }));
      } else if (found?.__typename === "Address") {
        for (const edge of found.residents?.edges ?? []) link(edge.person as ApiNode, undefined, "RESIDES_AT", edge, false);
        total = found.residents?.totalCount ?? 0;
        this.noteWithheld(node.id, withheldLists({ residents: found.residents }));
      } else if (found?.__typename === "Vehicle") {
        for (const edge of found.users?.edges ?? []) link(edge.person as ApiNode, undefined, "USES", edge, false);
        total = found.users?.totalCount ?? 0;
        this.noteWithheld(node.id, withheldLists({ users: found.users }));
      }
      const added = this.canvas.add(nodes, edges, node.id);
      this.remember(added);
      await this.canvas.arrange();
      return `${this.summary(added.length)}${total > nodes.length ? ` Showing ${nodes.length} of ${total} links.` : ""}`;
    });
  }

  private async findPath(): Promise<void> {
    const { first, second } = this.pair;
    if (!first || !second) return;
    await this.run("Finding a path", async () => {
      const answer = await request(ShortestPathQuery, { fromId: first.id, toId: second.id, maxHops: 6 });
      const path = answer.shortestPath;
      if (!path) {
        this.canvas.highlight([]);
        return `No visible path of at most 6 links between ${first.label} and ${second.label}.`;
      }
      const nodes = this.learn(path.nodes as ApiNode[]);
      const edges = path.edges.map(toGraphEdge);
      const added = this.canvas.add(nodes, edges);
      this.remember(added);
      await this.canvas.arrange();
      this.canvas.highlight([...nodes.map((node) => node.id), ...edges.map((edge) => edge.id)]);
      return `Path of ${path.length} link${path.length === 1 ? "" : "s"} between ${first.label} and ${second.label}: ${nodes.map((node) => node.label).join(" → ")}`;
    });
  }

  private async findCommonAssociates(): Promise<void> {
    const { first, second } = this.pair;
    if (!first || !second) return;
    await this.run("Finding common associates", async () => {
      const answer = await request(CommonAssociatesQuery, { firstId: first.id, secondId: second.id });
      const people = this.learn(answer.commonAssociates as ApiNode[]);
      const edges = people.flatMap((person) => [
        toGraphEdge({ source: first.id, target: person.id, type: "ASSOCIATED_WITH" }),
        toGraphEdge({ source: second.id, target: person.id, type: "ASSOCIATED_WITH" }),
      ]);
      const added = this.canvas.add(people, edges);
      this.remember(added);
      await this.canvas.arrange();
      this.canvas.highlight([first.id, second.id, ...people.map((person) => person.id), ...edges.map((edge) => edge.id)]);
      return people.length
        ? `${people.length} common associate${people.length === 1 ? "" : "s"}: ${people.map((person) => person.label).join(", ")}`
        : `${first.label} and ${second.label} have no visible associate in common.`;
    });
  }

  /** Drawable nodes from the API's, keeping restricted nominals' descriptions. */
  private learn(nodes: ApiNode[]): GraphNode[] {
    for (const node of nodes) {
      if (node.__typename === "RestrictedNominal") this.restricted.set(node.id, node as unknown as RestrictedCardFragment);
    }
    return nodes.map((node) => toGraphNode(node));
  }

  private noteWithheld(id: string, lists: string[]): void {
    const known = this.withheld.get(id) ?? new Set<string>();
    for (const list of lists) known.add(list);
    this.withheld.set(id, known);
  }

  private remember(added: string[]): void {
    if (added.length) this.history.push(added);
    this.undoButton.disabled = this.history.length === 0;
    this.refreshNodeList();
  }

  private undo(): void {
    const last = this.history.pop();
    if (last) this.canvas.remove(last);
    this.undoButton.disabled = this.history.length === 0;
    this.refreshNodeList();
    this.report();
  }

  private clear(): void {
    this.canvas.clear();
    this.history.length = 0;
    this.pair.first = this.pair.second = null;
    this.updatePair();
    this.undoButton.disabled = true;
    this.refreshNodeList();
    this.showDetails(null);
    this.report();
  }

  private summary(added: number): string {
    const { nodes, edges } = this.canvas.visibleCount();
    return `Added ${added} item${added === 1 ? "" : "s"}. ${nodes} nodes and ${edges} links drawn${this.asOf ? ` (valid on ${this.asOf})` : ""}.`;
  }

  private report(): void {
    const { nodes, edges } = this.canvas.visibleCount();
    this.status.textContent = `${nodes} nodes and ${edges} links drawn${this.asOf ? ` (valid on ${this.asOf})` : ""}.`;
  }

  private refreshNodeList(): void {
    const selected = this.nodeList.value;
    replace(this.nodeList, h("option", { value: "" }, "Choose a node…"),
      this.canvas.allNodes().sort((a, b) => a.label.localeCompare(b.label)).map((node) => h("option", { value: node.id, selected: node.id === selected }, `${node.label} (${node.kind === "RestrictedNominal" ? "restricted" : node.kind.toLowerCase()})`)));
  }

  private updatePair(): void {
    const { first, second } = this.pair;
    this.pairText.textContent = first || second ? `First: ${first?.label ?? "—"}; second: ${second?.label ?? "—"}` : "Choose two people from the side panel.";
    this.pathButton.disabled = this.commonButton.disabled = !(first && second);
  }

  private showDetails(node: GraphNode | null): void {
    if (!node) {
      replace(this.panel, h("p", { class: "meta" }, "Search, then draw a network. Select a node (click it, or choose it above) to see its details and expand it."));
      return;
    }
    if (this.nodeList.value !== node.id) this.nodeList.value = node.id;
    const rows = node.details.map(([key, value]) => [h("dt", {}, key), h("dd", {}, value)]).flat();
    const expansions = EXPANSIONS[node.kind] ?? [];
    const person = node.kind === "Offender" || node.kind === "Associate";
    const withheld = [...(this.withheld.get(node.id) ?? [])];
    const restricted = node.kind === "RestrictedNominal" ? this.restricted.get(node.id) : undefined;
    replace(this.panel,
      h("h3", { class: node.kind === "RestrictedNominal" ? "restricted-title" : "" }, node.label),
      h("dl", {}, rows),
      withheld.length ? withheldMarker(humanise(withheld.join(", "))) : null,
      restricted ? accessRequestBlock(restricted) : null,
      expansions.length ? h("p", { class: "meta" }, "Expand by link type:") : null,
      expansions.length ? h("div", { class: "actions expand" }, expansions.map((expansion) =>
        h("button", {
          type: "button",
          "data-expand": expansion.label,
          onclick: () => void (node.kind === "Offender" ? this.expandOffender(node.id, expansion.linkTypes) : expansion.flag ? this.expandOther(node, expansion.flag) : undefined),
        }, expansion.label))) : null,
      node.kind === "Offender" ? h("div", { class: "actions" },
        h("button", { type: "button", onclick: () => this.openProfile(node.id) }, "Open profile")) : null,
      person ? h("div", { class: "actions" },
        h("button", { type: "button", onclick: () => { this.pair.first = node; this.updatePair(); } }, "Set as first person"),
        h("button", { type: "button", onclick: () => { this.pair.second = node; this.updatePair(); } }, "Set as second person")) : null,
    );
  }
}

