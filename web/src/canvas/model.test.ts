import { describe, expect, it } from "vitest";

import {
  agencyColour,
  classifySearch,
  dayNumber,
  edgeId,
  formatPlate,
  isoDay,
  markQuery,
  toCsv,
  toGraphEdge,
  toGraphNode,
  validOn,
} from "./model";

describe("classifySearch", () => {
  it.each([
    ["AB1? ?DE", "plate"],
    ["AB12CDE", "plate"],
    ["ab12 cde", "plate"],
    ["*CDE", "plate"],
    ["tattoo left forearm snake", "mark"],
    ["Scars face", "mark"],
    ["John Smith", "name"],
    ["Smyth", "name"],
    ["O'Brien", "name"],
  ])("%s is a %s search", (text, kind) => {
    expect(classifySearch(text)).toBe(kind);
  });
});

describe("markQuery", () => {
  it("takes the mark type from the first word", () => {
    expect(markQuery("tattoos left forearm, snake")).toEqual({ type: "TATTOO", text: "left forearm  snake" });
    expect(markQuery("snake")).toEqual({ type: null, text: "snake" });
  });
});

describe("validOn", () => {
  const edge = { from: "2020-01-01", to: "2021-06-30" };
  it("keeps links valid on the day, and every link without a day", () => {
    expect(validOn(edge, "2020-01-01")).toBe(true);
    expect(validOn(edge, "2021-06-30")).toBe(true);
    expect(validOn(edge, "2019-12-31")).toBe(false);
    expect(validOn(edge, "2021-07-01")).toBe(false);
    expect(validOn(edge, null)).toBe(true);
    expect(validOn({ from: "2020-01-01", to: null }, "2030-01-01")).toBe(true);
  });
});

describe("edges", () => {
  it("draw one edge per pair and type whichever way the API reports it", () => {
    expect(edgeId("a", "b", "USES")).toBe(edgeId("b", "a", "USES"));
    expect(edgeId("a", "b", "USES")).not.toBe(edgeId("a", "b", "RESIDES_AT"));
    expect(toGraphEdge({ source: "b", target: "a", type: "USES" }).from).toBeNull();
  });
});

describe("nodes", () => {
  it("show a restricted nominal with its managing agency and nothing else", () => {
    const node = toGraphNode({ __typename: "RestrictedNominal", id: "off_1", managingAgency: { code: "GMP", name: "Greater Manchester Police" } });
    expect(node.label).toBe("Restricted · GMP");
    expect(node.agency).toBe("GMP");
    expect(node.details.map(([, value]) => value).join(" ")).toContain("Greater Manchester Police");
  });
  it("label offenders by name and carry risk and agency", () => {
    const node = toGraphNode({ __typename: "Offender", id: "off_2", forename: "Ann", surname: "Lee", riskLevel: "HIGH", managingAgency: { code: "MET", name: "Met" } });
    expect(node).toMatchObject({ label: "Ann Lee", risk: "HIGH", agency: "MET" });
  });
  it("write plates as people do", () => {
    expect(formatPlate("AB12CDE")).toBe("AB12 CDE");
    expect(formatPlate("A123BCD")).toBe("A123BCD");
  });
});

describe("toCsv", () => {
  it("quotes every cell and defuses spreadsheet formulas", () => {
    const csv = toCsv(
      [{ id: "n1", kind: "Associate", label: '=HYPERLINK("x")', details: [] }],
      [{ id: "e", source: "n1", target: "n2", type: "USES", from: "2020-01-01", to: null, agency: "MET", classification: "OFFICIAL" }],
    );
    const lines = csv.split("\r\n");
    expect(lines[0]).toBe('"kind","id","label","risk","agency"');
    expect(lines[1]).toBe('"Associate","n1","\'=HYPERLINK(""x"")","",""');
    expect(lines[3]).toBe('"link","source","target","from","to","agency","classification"');
    expect(lines[4]).toBe('"USES","n1","n2","2020-01-01","","MET","OFFICIAL"');
  });
});

describe("dates and colours", () => {
  it("round-trip days for the slider", () => {
    expect(isoDay(dayNumber("2025-03-03"))).toBe("2025-03-03");
  });
  it("give each agency one colour", () => {
    expect(agencyColour("MET")).toBe(agencyColour("MET"));
    expect(agencyColour(undefined)).toBe("#555555");
  });
});
