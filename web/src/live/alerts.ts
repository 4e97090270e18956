// How an alert and a change read in the alerts panel (pure: tested in alerts.test.ts).
import type { AlertRowFragment } from "../gql/graphql";

const KINDS: Record<string, string> = {
  CHANGE: "Change",
  RISK_REVIEW_DUE: "Risk review due",
  INTELLIGENCE_REVIEW_DUE: "Intelligence review due",
  SHARE_LAPSING: "Share lapsing",
  NOTIFICATION_DUE: "Notification due",
  RELEASE_DUE: "Release due",
  ACTION_DUE: "MAPPA action due",
  ACCESS_REQUEST_WAITING: "Access request waiting",
};

/** `addIntelligence` -> "add intelligence": a mutation's name as words. */
export function changeKind(kind: string): string {
  return kind.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase();
}

export function alertKind(kind: string): string {
  return KINDS[kind] ?? changeKind(kind.toLowerCase().replace(/_(\w)/g, (_, c: string) => c.toUpperCase()));
}

type Nominal = AlertRowFragment["offender"];

export function nominalName(offender: Nominal): string {
  if (!offender) return "no offender";
  if (offender.__typename === "Offender") return `${offender.forename} ${offender.surname} (PNC ${offender.pncId})`;
  if (offender.__typename === "RestrictedNominal") return `Restricted nominal ${offender.id} (managed by ${offender.managingAgency.code})`;
  return "an offender";
}

/** What the alert is about: the change and who made it, or the date falling due. */
export function alertDetail(alert: AlertRowFragment): string {
  if (alert.event) {
    const by = alert.event.agency ? ` by ${alert.event.agency.code}` : "";
    return `${changeKind(alert.event.kind)}${by}`;
  }
  return alert.dueOn ? `due ${alert.dueOn}` : "";
}

/** The header's count: "" when none, "100+" when there are more than a page. */
export function unreadLabel(count: number, more: boolean): string {
  if (!count) return "";
  return more ? `${count}+` : String(count);
}
