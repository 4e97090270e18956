// "Alerts" in the header: the unread count, and a panel listing `alerts` with "Mark read".
// Kept live by `myAgencyChanges` over WebSocket (src/live/protocol.ts): each change delivered
// is announced and the inbox is read again, so another user's change appears within a second.
import { ApiError, documentFields, request } from "../api/client";
import { AgencyChangesSubscription, AlertsQuery, MarkAlertsReadMutation, UnreadAlertsQuery } from "../api/documents";
import type { AgencyChangesSubscription as Change, AlertRowFragment } from "../gql/graphql";
import type { Session } from "../auth/session";
import { h, replace } from "../dom";
import { alertDetail, alertKind, changeKind, nominalName, unreadLabel } from "../live/alerts";
import { LiveSubscription, type SocketLike } from "../live/protocol";

const PAGE = 20;
const COUNTED = 100;

function socketUrl(): string {
  return `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/graphql`;
}

export class AlertsControl {
  readonly button: HTMLButtonElement;
  readonly panel: HTMLElement;
  private readonly count_ = h("span", {});
  private readonly badge = h("span", { class: "badge" }, this.count_, h("span", { class: "visually-hidden" }, " unread"));
  private readonly list = h("ul", { class: "alerts" });
  private readonly status = h("p", { class: "status", role: "status" });
  private readonly liveState = h("p", { class: "meta live-state", "aria-live": "polite" });
  private readonly more = h("button", { type: "button", hidden: true }, "More alerts");
  private readonly unreadOnly = h("input", { type: "checkbox", id: "alerts-unread-only" });
  private readonly live: LiveSubscription<Change>;
  private after: string | null = null;
  private loading = Promise.resolve();

  constructor(private readonly current: Session) {
    this.button = h("button", { type: "button", class: "alerts-button", "aria-expanded": "false", "aria-controls": "alerts-panel", onclick: () => this.toggle() },
      "Alerts", this.badge);
    const markShown = h("button", { type: "button", onclick: () => this.markRead(this.unreadShown()) }, "Mark all shown read");
    this.panel = h("section", { id: "alerts-panel", class: "alerts-panel card", "aria-labelledby": "alerts-title", hidden: true },
      h("div", { class: "panel-head" },
        h("h2", { id: "alerts-title", tabindex: "-1" }, "Alerts"),
        h("button", { type: "button", onclick: () => this.toggle(false) }, "Close")),
      this.liveState,
      h("div", { class: "actions" },
        h("label", { for: "alerts-unread-only" }, this.unreadOnly, " Unread only"),
        markShown),
      this.status, this.list, this.more);
    this.unreadOnly.addEventListener("change", () => void this.reload());
    this.more.addEventListener("click", () => void this.load(false));
    this.panel.addEventListener("keydown", (event) => {
      if (event.key === "Escape") this.toggle(false);
    });
    this.live = new LiveSubscription<Change>({
      open: (protocol) => new WebSocket(socketUrl(), protocol) as unknown as SocketLike,
      init: () => ({ authorization: `Bearer ${this.current.token}`, purpose: this.current.purpose ?? "" }),
      document: documentFields(AgencyChangesSubscription),
      variables: (after) => ({ after }),
      cursorOf: (data) => data.myAgencyChanges.cursor,
      onData: (data) => this.changed(data),
      onError: (message, code) => { this.liveState.textContent = `Live updates: ${message} (${code})`; },
      onStatus: (status, detail) => {
        if (status === "live") {
          this.liveState.textContent = "Live: changes appear here as they happen.";
          this.changedWhileAway();
        }
        else if (status !== "stopped") this.liveState.textContent = `Live updates: ${detail}…`;
      },
    });
    this.updateCount(0, false);
  }

  start(): void {
    this.live.start();
    void this.count(); // whether or not the socket connects
  }

  stop(): void {
    this.live.stop();
  }

  private toggle(open = this.panel.hidden): void {
    this.panel.hidden = !open;
    this.button.setAttribute("aria-expanded", String(open));
    if (open) {
      void this.reload();
      (this.panel.querySelector("#alerts-title") as HTMLElement).focus();
    } else {
      this.button.focus();
    }
  }

  private updateCount(count: number, more: boolean): void {
    const label = unreadLabel(count, more);
    this.count_.textContent = label;
    this.badge.hidden = !label;
  }

  private async count(): Promise<void> {
    try {
      const answer = await request(UnreadAlertsQuery, { first: COUNTED });
      this.updateCount(answer.alerts.edges.length, answer.alerts.pageInfo.hasNextPage);
    } catch {
      this.count_.textContent = "?";
      this.badge.hidden = false;
    }
  }

  /** On each (re)connection: what happened before it is in the inbox, so read it again. */
  private changedWhileAway(): void {
    void this.count();
    if (!this.panel.hidden) void this.reload();
  }

  private changed(data: Change): void {
    const change = data.myAgencyChanges;
    const who = change.offender?.__typename === "Offender" ? `${change.offender.forename} ${change.offender.surname}` : change.offender?.id ?? "an offender";
    this.liveState.textContent = `Latest change: ${changeKind(change.kind)} for ${who}.`;
    void this.count();
    if (!this.panel.hidden) void this.reload();
  }

  private reload(): Promise<void> {
    return this.load(true);
  }

  /** Reads a page of the inbox (again from the top when `fresh`); one read at a time. */
  private load(fresh: boolean): Promise<void> {
    this.loading = this.loading.then(() => this.read(fresh));
    return this.loading;
  }

  private async read(fresh: boolean): Promise<void> {
    this.status.textContent = "Loading alerts…";
    try {
      const answer = await request(AlertsQuery, { unreadOnly: this.unreadOnly.checked, first: PAGE, after: fresh ? null : this.after });
      const rows = answer.alerts.edges.map((edge) => this.row(edge.node));
      if (fresh) replace(this.list, rows);
      else this.list.append(...rows);
      this.after = answer.alerts.pageInfo.endCursor ?? null;
      this.more.hidden = !answer.alerts.pageInfo.hasNextPage;
      this.status.textContent = this.list.children.length ? "" : "No alerts.";
    } catch (error) {
      this.status.textContent = error instanceof ApiError ? `Alerts could not be loaded: ${error.message} (${error.code})` : "Alerts could not be loaded.";
    }
  }

  private row(alert: AlertRowFragment): HTMLElement {
    const detail = alertDetail(alert);
    return h("li", { class: "alert", "data-alert": alert.id, "data-read": String(alert.read) },
      h("p", {}, h("strong", {}, alertKind(alert.kind)), ` · ${nominalName(alert.offender)}${detail ? ` · ${detail}` : ""}`),
      h("p", { class: "meta" }, `${alert.at.slice(0, 16).replace("T", " ")} · ${alert.read ? "Read" : "Unread"}`),
      alert.read ? null : h("button", { type: "button", onclick: () => this.markRead([alert.id]) }, "Mark read"));
  }

  private unreadShown(): string[] {
    return [...this.list.querySelectorAll<HTMLElement>("li.alert[data-read=false]")].map((li) => li.dataset.alert ?? "").filter(Boolean);
  }

  private async markRead(ids: string[]): Promise<void> {
    if (!ids.length) return;
    try {
      await request(MarkAlertsReadMutation, { ids: ids.slice(0, COUNTED) });
    } catch (error) {
      this.status.textContent = error instanceof ApiError ? `Could not mark read: ${error.message} (${error.code})` : "Could not mark read.";
      return;
    }
    await Promise.all([this.reload(), this.count()]);
    this.status.textContent = ids.length === 1 ? "Marked read." : `${ids.length} marked read.`;
    (this.panel.querySelector("#alerts-title") as HTMLElement).focus();
  }
}
