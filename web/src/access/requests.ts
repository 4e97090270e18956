// Access requests (docs/design.md §4 rule 8): what the explorer says about one, which side of it
// the user is on, and what the request dialog may offer. No DOM here (unit-tested).
import type { AccessRequestState, Classification, ShareMode } from "../gql/graphql";
import { humanise } from "../canvas/model";

export const CLASSIFICATIONS: readonly Classification[] = ["OFFICIAL", "OFFICIAL_SENSITIVE", "SECRET"];
export const SHARE_MODES: readonly ShareMode[] = ["READ", "CONTRIBUTE"];
export const MAX_JUSTIFICATION = 1_000;

export interface RequestFacts {
  state: AccessRequestState;
  mode: ShareMode;
  ceiling: Classification;
  requestedAt: string;
  decidedAt?: string | null;
  reason?: string | null;
  grantedCeiling?: Classification | null;
  grantedUntil?: string | null;
}

/** The ceilings a user may ask for or grant: up to their clearance. */
export function ceilingsUpTo(clearance: string): Classification[] {
  const top = CLASSIFICATIONS.indexOf(clearance as Classification);
  return CLASSIFICATIONS.slice(0, top < 0 ? 1 : top + 1);
}

function day(timestamp: string | null | undefined): string {
  return timestamp ? timestamp.slice(0, 10) : "";
}

/** One line on where a request stands. */
export function describeRequest(request: RequestFacts): string {
  const asked = `${humanise(request.mode).toLowerCase()} access up to ${humanise(request.ceiling)}`;
  switch (request.state) {
    case "PENDING":
      return `Access requested on ${day(request.requestedAt)} (${asked}): pending the managing agency's decision.`;
    case "APPROVED":
      return `Access approved on ${day(request.decidedAt)}: ${humanise(request.mode).toLowerCase()} share up to ${humanise(request.grantedCeiling ?? request.ceiling)}${request.grantedUntil ? ` until ${request.grantedUntil}` : ""}.`;
    case "REFUSED":
      return `Access refused on ${day(request.decidedAt)}${request.reason ? `: ${request.reason}` : "."}`;
    case "WITHDRAWN":
      return `Access request withdrawn on ${day(request.decidedAt)}.`;
  }
}

/** Whether another request may be made now (none, or the last one is settled and not granted). */
export function mayRequestAgain(request: Pick<RequestFacts, "state"> | null | undefined): boolean {
  return !request || request.state === "REFUSED" || request.state === "WITHDRAWN";
}

/** Which side of a request the user's agency is on. */
export function sideOf(request: { requesterAgency: { code: string }; managingAgency: { code: string } }, agency: string): "made" | "received" {
  return request.requesterAgency.code === agency ? "made" : "received";
}

/** What is wrong with a justification, or null. */
export function justificationProblem(text: string): string | null {
  const trimmed = text.trim();
  if (!trimmed) return "Say why your agency needs to see this nominal.";
  if (trimmed.length > MAX_JUSTIFICATION) return `The justification is too long (${MAX_JUSTIFICATION} characters at most).`;
  return null;
}

/** A share's default end: `days` after `today` (ISO dates). */
export function shareUntil(today: string, days = 90): string {
  const date = new Date(`${today}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}
