// The access requests panel (rule 8): requests your agency made and those made to it, with
// approve / refuse for the managing agency and withdraw for the asking side. The API decides
// who may (FORBIDDEN otherwise); its message is shown on the request.
import { ApiError, request } from "../api/client";
import { AccessRequestsQuery, DecideAccessRequestMutation, WithdrawAccessRequestMutation } from "../api/documents";
import type { AccessRequestRowFragment, Classification } from "../gql/graphql";
import { session } from "../auth/session";
import { h, replace } from "../dom";
import { humanise, isoDay } from "../canvas/model";
import { ceilingsUpTo, describeRequest, shareUntil, sideOf } from "../access/requests";

const FIRST = 100;

function subject(row: AccessRequestRowFragment): string {
  const offender = row.offender;
  return offender.__typename === "Offender"
    ? `${offender.forename} ${offender.surname} (PNC ${offender.pncId})`
    : `Restricted nominal ${offender.id} (managed by ${row.managingAgency.code})`;
}

function rowView(row: AccessRequestRowFragment, side: "made" | "received", refresh: () => void): HTMLElement {
  const status = h("p", { class: "row-status", role: "status" });
  const act = (what: string, work: () => Promise<unknown>) => {
    status.textContent = `${what}…`;
    work().then(refresh, (error: unknown) => {
      status.textContent = error instanceof ApiError ? `${what} failed: ${error.message} (${error.code})` : `${what} failed.`;
    });
  };
  const key = row.id;
  let controls: HTMLElement | null = null;
  if (row.state === "PENDING" && side === "received") {
    const ceilings = ceilingsUpTo(session()?.clearance ?? "OFFICIAL");
    const ceiling = h("select", { id: `grant-ceiling-${key}` }, ceilings.map((c) => h("option", { value: c, selected: c === row.ceiling }, humanise(c))));
    const until = h("input", { id: `grant-until-${key}`, type: "date", value: shareUntil(isoDay(Math.floor(Date.now() / 86_400_000))) });
    const reason = h("input", { id: `reason-${key}`, type: "text", autocomplete: "off" });
    controls = h("div", { class: "decide" },
      h("div", { class: "field" }, h("label", { for: ceiling.id }, "Share up to"), ceiling),
      h("div", { class: "field" }, h("label", { for: until.id }, "Share until"), until),
      h("div", { class: "field" }, h("label", { for: reason.id }, "Reason (needed to refuse)"), reason),
      h("div", { class: "actions" },
        h("button", { type: "button", class: "primary", onclick: () => act("Approving", () => request(DecideAccessRequestMutation, { id: row.id, approve: true, ceiling: ceiling.value as Classification, until: until.value || null, reason: reason.value.trim() || null })) }, "Approve"),
        h("button", { type: "button", onclick: () => act("Refusing", () => request(DecideAccessRequestMutation, { id: row.id, approve: false, ceiling: null, until: null, reason: reason.value.trim() || null })) }, "Refuse")));
  } else if (row.state === "PENDING") {
    controls = h("div", { class: "actions" },
      h("button", { type: "button", onclick: () => act("Withdrawing", () => request(WithdrawAccessRequestMutation, { id: row.id })) }, "Withdraw"));
  }
  return h("li", { class: "request", "data-request": row.id, "data-state": row.state },
    h("h4", {}, subject(row)),
    h("p", { class: "request-state", "data-state": row.state }, h("strong", {}, humanise(row.state)), ` · ${describeRequest(row)}`),
    h("p", { class: "meta" }, side === "made"
      ? `Asked by ${row.requesterUserId} of ${row.requesterAgency.name}; managed by ${row.managingAgency.name} (${row.managingAgency.code})`
      : `Asked by ${row.requesterUserId} of ${row.requesterAgency.name} (${row.requesterAgency.code})`),
    h("p", {}, `Justification: ${row.justification}`),
    row.purpose ? h("p", { class: "meta" }, `Purpose of their session: ${row.purpose}`) : null,
    row.decidedBy ? h("p", { class: "meta" }, `Decided by ${row.decidedBy}${row.reason ? `: ${row.reason}` : ""}`) : null,
    controls, status);
}

export async function renderAccessRequests(root: HTMLElement, back: () => void): Promise<void> {
  const agency = session()?.agency ?? "";
  const status = h("p", { class: "status", role: "status" }, "Loading access requests…");
  const made = h("ul", { class: "requests", "aria-labelledby": "requests-made" });
  const received = h("ul", { class: "requests", "aria-labelledby": "requests-received" });
  const state = h("select", { id: "request-state-filter" },
    h("option", { value: "" }, "Any state"),
    ["PENDING", "APPROVED", "REFUSED", "WITHDRAWN"].map((s) => h("option", { value: s }, humanise(s))));
  const load = async () => {
    status.textContent = "Loading access requests…";
    try {
      const answer = await request(AccessRequestsQuery, { first: FIRST, state: (state.value || null) as AccessRequestRowFragment["state"] | null });
      const rows = answer.accessRequests;
      const ours = rows.filter((row) => sideOf(row, agency) === "made");
      const theirs = rows.filter((row) => sideOf(row, agency) === "received");
      replace(made, ours.length ? ours.map((row) => rowView(row, "made", () => void load())) : h("li", { class: "meta" }, "None."));
      replace(received, theirs.length ? theirs.map((row) => rowView(row, "received", () => void load())) : h("li", { class: "meta" }, "None."));
      status.textContent = `${rows.length} request${rows.length === 1 ? "" : "s"}.`;
    } catch (error) {
      status.textContent = error instanceof ApiError ? `${error.message} (${error.code})` : "The access requests could not be loaded.";
    }
  };
  state.addEventListener("change", () => void load());
  replace(root, h("section", { class: "profile access-requests", "aria-labelledby": "requests-title" },
    h("div", { class: "actions" }, h("button", { type: "button", onclick: back }, "← Back to the network")),
    h("h2", { id: "requests-title" }, "Access requests"),
    h("p", { class: "meta" }, `Requests for a share of an offender: those ${agency} made, and those made to ${agency} for offenders it manages. An offender manager or supervisor of the managing agency approves or refuses; the asker or a supervisor of the asking agency may withdraw.`),
    h("div", { class: "field inline" }, h("label", { for: state.id }, "Show"), state),
    status,
    h("div", { class: "profile-grid" },
      h("section", { class: "profile-list" }, h("h3", { id: "requests-received" }, `Made to ${agency}`), received),
      h("section", { class: "profile-list" }, h("h3", { id: "requests-made" }, `Made by ${agency}`), made))));
  await load();
}
