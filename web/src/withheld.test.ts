import { describe, expect, it } from "vitest";

import { WITHHELD, currentAddressLine, withheldLists } from "./withheld";

describe("withheld", () => {
  it("names the lists with withheld links, never how many", () => {
    expect(withheldLists({ __typename: "Offender", addresses: { withheld: true }, vehicles: { withheld: false }, marks: null })).toEqual(["addresses"]);
    expect(withheldLists(null)).toEqual([]);
    expect(WITHHELD).not.toMatch(/\d/);
  });

  it("never makes 'no current address shown' read as 'no address known'", () => {
    const address = { line1: "1 High St", town: "Leeds", postcode: "LS1 1AA" };
    expect(currentAddressLine({ withheld: false, edges: [{ main: false, address }, { main: true, address: { ...address, line1: "2 Low Rd" } }] }).text).toBe(
      "Current address: 2 Low Rd, Leeds LS1 1AA",
    );
    const hidden = currentAddressLine({ withheld: true, edges: [] });
    expect(hidden).toEqual({ text: "No current address shown to you.", withheld: true });
    expect(hidden.text).not.toMatch(/no address|none recorded|on record/i);
    expect(currentAddressLine({ withheld: false, edges: [] }).text).toBe("No current address on record.");
  });
});
