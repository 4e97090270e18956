// The graph canvas behind a narrow interface (add, remove, style, layout, events, export), so
// the library under it can change. Cytoscape.js today: a canvas renderer that keeps 500+
// nodes interactive without WebGL (closed networks have old GPUs and headless test browsers
// none), data-driven styles, force-directed layouts, PNG export, types in the package, and no
// network or CDN use.
import cytoscape from "cytoscape";
import fcose from "cytoscape-fcose";
import type { Core, ElementDefinition, LayoutOptions, NodeSingular, StylesheetJson } from "cytoscape";

import { type GraphEdge, type GraphNode, RISK_COLOURS, agencyColour, validOn } from "./model";

export interface CanvasEvents {
  select(node: GraphNode | null): void;
  hover(node: GraphNode | null, position: { x: number; y: number }): void;
}

cytoscape.use(fcose);

/** Up to this many nodes the force-directed layout runs on every addition. */
const FORCE_LAYOUT_LIMIT = 150;

const STYLE: StylesheetJson = [
  {
    selector: "node",
    style: {
      label: "data(label)",
      "font-size": 10,
      "text-valign": "bottom",
      "text-margin-y": 4,
      "text-wrap": "ellipsis",
      "text-max-width": "120px",
      color: "#1b1b1b",
      "text-background-color": "#ffffff",
      "text-background-opacity": 0.8,
      "background-color": "data(fill)",
      "border-color": "data(stroke)",
      "border-width": 3,
      width: 28,
      height: 28,
    },
  },
  { selector: "node[kind = 'Offender']", style: { shape: "ellipse", width: 36, height: 36 } },
  { selector: "node[kind = 'Associate']", style: { shape: "ellipse" } },
  { selector: "node[kind = 'Address']", style: { shape: "round-rectangle" } },
  { selector: "node[kind = 'Vehicle']", style: { shape: "diamond" } },
  { selector: "node[kind = 'Mark']", style: { shape: "triangle", width: 22, height: 22 } },
  {
    selector: "node[kind = 'RestrictedNominal']",
    style: { shape: "octagon", "border-style": "dashed", color: "#444444" },
  },
  {
    selector: "edge",
    style: {
      width: 2,
      "line-color": "#8a8a8a",
      "curve-style": "bezier",
      label: "data(label)",
      "font-size": 8,
      color: "#555555",
      "text-rotation": "autorotate",
    },
  },
  { selector: "edge[type = 'ASSOCIATED_WITH']", style: { "line-color": "#6a5acd" } },
  { selector: "edge[type = 'USES']", style: { "line-style": "dashed" } },
  { selector: ".faded", style: { display: "none" } },
  { selector: "node.highlighted", style: { "border-color": "#0050b3", "border-width": 6 } },
  { selector: "edge.highlighted", style: { "line-color": "#0050b3", width: 5 } },
  { selector: "node:selected", style: { "overlay-color": "#0050b3", "overlay-opacity": 0.25, "overlay-padding": 6 } },
];

function fill(node: GraphNode): string {
  if (node.kind === "Offender") return RISK_COLOURS[node.risk ?? ""] ?? "#777777";
  if (node.kind === "RestrictedNominal") return "#c8c8c8";
  if (node.kind === "Associate") return "#8fb4d9";
  if (node.kind === "Address") return "#e8dcc2";
  if (node.kind === "Vehicle") return "#b9d9b0";
  return "#e0c3e8";
}

function stroke(node: GraphNode): string {
  if (node.kind === "RestrictedNominal") return "#6b6b6b";
  if (node.kind === "Offender") return agencyColour(node.agency);
  return "#5f5f5f";
}

const EDGE_LABELS: Record<string, string> = {
  RESIDES_AT: "lives at",
  ASSOCIATED_WITH: "associate",
  USES: "uses",
  HAS_MARK: "mark",
};

/** Cytoscape writes a <style> element on start; the page's CSP forbids inline styles, so a
 * placeholder of that id stands in (its one rule is in the explorer's stylesheet). */
function cytoscapeStylesheetPlaceholder(): void {
  const id = "__________cytoscape_stylesheet";
  if (document.getElementById(id)) return;
  const placeholder = document.createElement("meta");
  placeholder.id = id;
  document.head.append(placeholder);
}

export class GraphCanvas {
  private readonly cy: Core;
  private readonly nodes = new Map<string, GraphNode>();
  private readonly edges = new Map<string, GraphEdge>();
  private day: string | null = null;
  private lastAddAnchored = false;

  constructor(container: HTMLElement, events: CanvasEvents) {
    cytoscapeStylesheetPlaceholder();
    this.cy = cytoscape({
      container,
      style: STYLE,
      minZoom: 0.1,
      maxZoom: 4,
      selectionType: "single",
    });
    this.cy.on("tap", "node", (event) => events.select(this.nodes.get((event.target as NodeSingular).id()) ?? null));
    this.cy.on("tap", (event) => {
      if (event.target === this.cy) events.select(null);
    });
    this.cy.on("mouseover", "node", (event) => {
      const position = (event.target as NodeSingular).renderedPosition();
      events.hover(this.nodes.get((event.target as NodeSingular).id()) ?? null, position);
    });
    this.cy.on("mouseout", "node", () => events.hover(null, { x: 0, y: 0 }));
  }

  /** Add what is not drawn yet; returns the ids added (for undo). */
  add(nodes: GraphNode[], edges: GraphEdge[], near?: string): string[] {
    const added: ElementDefinition[] = [];
    const centre = near ? this.cy.getElementById(near) : null;
    const anchored = Boolean(centre && centre.nonempty());
    const origin = anchored && centre ? centre.position() : { x: 0, y: 0 };
    const fresh = nodes.filter((node) => !this.nodes.has(node.id)).length;
    let placed = 0;
    // New nodes go on a ring around the node they came from (or the centre): a placement that
    // costs nothing, so a big drawing is not laid out again on every expansion.
    const ring = 60 + 4 * fresh;
    for (const node of nodes) {
      const known = this.nodes.get(node.id);
      if (known && !(known.kind === "RestrictedNominal" && node.kind !== "RestrictedNominal")) continue;
      this.nodes.set(node.id, node);
      if (known) {
        this.cy.getElementById(node.id).data({ ...node, fill: fill(node), stroke: stroke(node) });
        continue;
      }
      added.push({
        group: "nodes",
        data: { ...node, fill: fill(node), stroke: stroke(node) },
        position: {
          x: origin.x + ring * Math.cos((2 * Math.PI * placed) / Math.max(fresh, 1)),
          y: origin.y + ring * Math.sin((2 * Math.PI * placed++) / Math.max(fresh, 1)),
        },
      });
    }
    for (const edge of edges) {
      if (this.edges.has(edge.id) || !this.nodes.has(edge.source) || !this.nodes.has(edge.target)) continue;
      this.edges.set(edge.id, edge);
      added.push({ group: "edges", data: { ...edge, label: EDGE_LABELS[edge.type] ?? edge.type } });
    }
    this.cy.add(added);
    this.applyDay();
    this.lastAddAnchored = anchored;
    return added.map((element) => String(element.data.id));
  }

  remove(ids: string[]): void {
    for (const id of ids) {
      this.nodes.delete(id);
      this.edges.delete(id);
      this.cy.getElementById(id).remove();
    }
    // Edges whose end went are gone from the canvas too.
    for (const id of [...this.edges.keys()]) {
      if (this.cy.getElementById(id).empty()) this.edges.delete(id);
    }
  }

  clear(): void {
    this.cy.elements().remove();
    this.nodes.clear();
    this.edges.clear();
  }

  has(id: string): boolean {
    return this.nodes.has(id);
  }

  node(id: string): GraphNode | undefined {
    return this.nodes.get(id);
  }

  allNodes(): GraphNode[] {
    return [...this.nodes.values()];
  }

  allEdges(): GraphEdge[] {
    return [...this.edges.values()];
  }

  /** Arrange the drawing after an addition: force-directed while it is small; beyond that the
   * ring placement of `add` stands (anchored) or a layered layout is used (O(n), where the
   * force-directed one grows with n²: 4 s for 200 nodes and 27 s for 500 on a busy 2-core box). */
  arrange(): Promise<void> {
    if (this.cy.nodes().length <= FORCE_LAYOUT_LIMIT) return this.layout();
    if (this.lastAddAnchored) {
      this.fit();
      return Promise.resolve();
    }
    return this.layout();
  }

  /** Lay out everything drawn: force-directed up to FORCE_LAYOUT_LIMIT nodes, layered beyond. */
  layout(): Promise<void> {
    const count = this.cy.nodes().length;
    // fCoSE (spectral start, then force-directed): several times faster than CoSE. Small
    // drawings keep their nodes roughly where they were (`randomize: false`).
    const options = {
      name: "fcose",
      quality: "default",
      randomize: count > FORCE_LAYOUT_LIMIT,
      animate: count < 60,
      animationDuration: 300,
      nodeRepulsion: 9000,
      idealEdgeLength: 70,
      fit: true,
      padding: 30,
    } as unknown as LayoutOptions;
    return new Promise((resolve) => {
      const layout = this.cy.layout(options);
      layout.one("layoutstop", () => resolve());
      layout.run();
    });
  }

  fit(): void {
    this.cy.fit(undefined, 30);
  }

  zoom(factor: number): void {
    const extent = this.cy.extent();
    this.cy.zoom({
      level: this.cy.zoom() * factor,
      position: { x: (extent.x1 + extent.x2) / 2, y: (extent.y1 + extent.y2) / 2 },
    });
  }

  select(id: string): void {
    this.cy.elements().unselect();
    this.cy.getElementById(id).select();
  }

  /** Emphasise these nodes and edges (a path, common associates); none clears. */
  highlight(ids: string[]): void {
    this.cy.elements().removeClass("highlighted");
    for (const id of ids) this.cy.getElementById(id).addClass("highlighted");
  }

  /** Show only links valid on `day` (and nodes still reached, or drawn on their own). */
  setDay(day: string | null): void {
    this.day = day;
    this.applyDay();
  }

  private applyDay(): void {
    this.cy.batch(() => {
      this.cy.elements().removeClass("faded");
      if (!this.day) return;
      for (const edge of this.edges.values()) {
        if (!validOn(edge, this.day)) this.cy.getElementById(edge.id).addClass("faded");
      }
      this.cy.nodes().forEach((node) => {
        const edges = node.connectedEdges();
        if (edges.nonempty() && edges.filter(".faded").length === edges.length) node.addClass("faded");
      });
    });
  }

  visibleCount(): { nodes: number; edges: number } {
    return {
      nodes: this.cy.nodes().not(".faded").length,
      edges: this.cy.edges().not(".faded").length,
    };
  }

  png(): Blob {
    return this.cy.png({ output: "blob", bg: "#ffffff", full: true, scale: 2 });
  }

  /** Milliseconds until the canvas has drawn a frame (for measuring first render). */
  nextFrame(): Promise<number> {
    const started = performance.now();
    return new Promise((resolve) => {
      this.cy.one("render", () => resolve(performance.now() - started));
      this.cy.forceRender();
    });
  }
}
