import { describe, expect, it } from "vitest";

import { ceilingsUpTo, describeRequest, justificationProblem, mayRequestAgain, shareUntil, sideOf } from "./requests";

describe("access requests", () => {
  it("offer ceilings up to the user's clearance", () => {
    expect(ceilingsUpTo("OFFICIAL")).toEqual(["OFFICIAL"]);
    expect(ceilingsUpTo("OFFICIAL_SENSITIVE")).toEqual(["OFFICIAL", "OFFICIAL_SENSITIVE"]);
    expect(ceilingsUpTo("SECRET")).toHaveLength(3);
    expect(ceilingsUpTo("NONSENSE")).toEqual(["OFFICIAL"]);
  });

  it("say where a request stands", () => {
    const asked = { mode: "READ", ceiling: "OFFICIAL", requestedAt: "2026-11-29T10:00:00Z" } as const;
    expect(describeRequest({ ...asked, state: "PENDING" })).toBe(
      "Access requested on 2026-11-29 (read access up to Official): pending the managing agency's decision.",
    );
    expect(describeRequest({ ...asked, state: "APPROVED", decidedAt: "2026-11-30T09:00:00Z", grantedCeiling: "OFFICIAL", grantedUntil: "2027-02-27" })).toBe(
      "Access approved on 2026-11-30: read share up to Official until 2027-02-27.",
    );
    expect(describeRequest({ ...asked, state: "REFUSED", decidedAt: "2026-11-30T09:00:00Z", reason: "not proportionate" })).toContain("refused on 2026-11-30: not proportionate");
  });

  it("allow a new request only once the last is refused or withdrawn", () => {
    expect(mayRequestAgain(null)).toBe(true);
    expect(mayRequestAgain({ state: "PENDING" })).toBe(false);
    expect(mayRequestAgain({ state: "APPROVED" })).toBe(false);
    expect(mayRequestAgain({ state: "REFUSED" })).toBe(true);
    expect(mayRequestAgain({ state: "WITHDRAWN" })).toBe(true);
  });

  it("tell the two sides apart", () => {
    const row = { requesterAgency: { code: "GMP" }, managingAgency: { code: "MET" } };
    expect(sideOf(row, "GMP")).toBe("made");
    expect(sideOf(row, "MET")).toBe("received");
  });

  it("check the justification and default a share's end", () => {
    expect(justificationProblem("   ")).toMatch(/Say why/);
    expect(justificationProblem("x".repeat(1001))).toMatch(/too long/);
    expect(justificationProblem("Suspect in a burglary series")).toBeNull();
    expect(shareUntil("2026-11-29")).toBe("2027-02-27");
  });
});
