import { describe, expect, it } from "vitest";
import type { AlertRowFragment } from "../gql/graphql";
import { alertDetail, alertKind, changeKind, nominalName, unreadLabel } from "./alerts";

const base: AlertRowFragment = { id: "a1", kind: "CHANGE", at: "2026-11-29T12:00:00Z", dueOn: null, subjectId: null, read: false, offender: null, event: null };

describe("alert wording", () => {
  it("names kinds and changes in words", () => {
    expect(alertKind("RISK_REVIEW_DUE")).toBe("Risk review due");
    expect(alertKind("SOMETHING_NEW")).toBe("something new");
    expect(changeKind("addIntelligence")).toBe("add intelligence");
  });

  it("says what changed and who changed it, or what falls due", () => {
    expect(alertDetail({ ...base, event: { cursor: "4", kind: "addIntelligence", agency: { code: "MET" } } })).toBe("add intelligence by MET");
    expect(alertDetail({ ...base, kind: "RELEASE_DUE", dueOn: "2026-12-01" })).toBe("due 2026-12-01");
  });

  it("names the offender as the reader sees it", () => {
    expect(nominalName({ __typename: "Offender", id: "o1", forename: "Ann", surname: "Lee", pncId: "P1" })).toBe("Ann Lee (PNC P1)");
    expect(nominalName({ __typename: "RestrictedNominal", id: "o2", managingAgency: { code: "GMP" } })).toBe("Restricted nominal o2 (managed by GMP)");
  });

  it("counts unread alerts, with a plus past a page", () => {
    expect(unreadLabel(0, false)).toBe("");
    expect(unreadLabel(3, false)).toBe("3");
    expect(unreadLabel(100, true)).toBe("100+");
  });
});
