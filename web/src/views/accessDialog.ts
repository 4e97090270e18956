// "Request access" on a restricted nominal: a small dialog (justification, mode, ceiling) that
// sends `requestAccess` and then shows where the request stands.
import { ApiError, request } from "../api/client";
import { RequestAccessMutation } from "../api/documents";
import type { AccessRequestRowFragment, Classification, ShareMode } from "../gql/graphql";
import { session } from "../auth/session";
import { h } from "../dom";
import { humanise } from "../canvas/model";
import { SHARE_MODES, ceilingsUpTo, describeRequest, justificationProblem, MAX_JUSTIFICATION } from "../access/requests";

export interface RestrictedTarget {
  id: string;
  managingAgency: { code: string; name: string; publicProtectionContact?: string | null };
}

let opened = 0;

/** Open the dialog; `done` gets the request once it is made. Focus returns where it was, or,
 * when that is gone (the button a request replaces), to `focusAfter()`. */
export function openRequestAccess(
  nominal: RestrictedTarget,
  done: (made: AccessRequestRowFragment) => void,
  focusAfter: () => HTMLElement | null = () => null,
): HTMLDialogElement {
  const n = ++opened;
  const returnTo = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  const agency = nominal.managingAgency;
  const justification = h("textarea", { id: `justification-${n}`, name: "justification", rows: 4, maxlength: MAX_JUSTIFICATION, required: true, "aria-describedby": `request-error-${n}` });
  const mode = h("select", { id: `mode-${n}`, name: "mode" }, SHARE_MODES.map((m) => h("option", { value: m }, m === "READ" ? "Read" : "Contribute (read and record facts)")));
  const ceiling = h("select", { id: `ceiling-${n}`, name: "ceiling" }, ceilingsUpTo(session()?.clearance ?? "OFFICIAL").map((c) => h("option", { value: c }, humanise(c))));
  const error = h("p", { class: "error", id: `request-error-${n}`, role: "alert" });
  const state = h("p", { class: "request-state", role: "status" });
  const send = h("button", { type: "submit", class: "primary" }, "Send request");
  const close = h("button", { type: "button", value: "cancel" }, "Cancel");
  const fields = h("div", { class: "fields" },
    h("label", { for: justification.id }, "Justification (why your agency needs to see this nominal)"), justification,
    h("label", { for: mode.id }, "Access mode"), mode,
    h("label", { for: ceiling.id }, "Highest classification asked for (at most your clearance)"), ceiling);
  const form = h("form", { method: "dialog", novalidate: true },
    h("h2", { id: `request-title-${n}` }, "Request access"),
    h("p", {}, `This nominal is managed by ${agency.name} (${agency.code}). Your request, your name and the purpose of this session go to them; they approve or refuse it.`),
    agency.publicProtectionContact ? h("p", { class: "meta" }, `Public-protection contact: ${agency.publicProtectionContact}`) : null,
    fields, error, state,
    h("div", { class: "actions" }, send, close));
  const dialog = h("dialog", { class: "request-dialog", "aria-labelledby": `request-title-${n}` }, form);
  close.addEventListener("click", () => dialog.close());
  justification.addEventListener("input", () => {
    if (justification.hasAttribute("aria-invalid") && !justificationProblem(justification.value)) {
      justification.removeAttribute("aria-invalid");
      error.textContent = "";
    }
  });
  dialog.addEventListener("close", () => {
    dialog.remove();
    (returnTo?.isConnected ? returnTo : focusAfter())?.focus();
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const problem = justificationProblem(justification.value);
    if (problem) {
      error.textContent = problem;
      justification.setAttribute("aria-invalid", "true");
      justification.focus();
      return;
    }
    justification.removeAttribute("aria-invalid");
    error.textContent = "";
    send.disabled = true;
    state.textContent = "Sending the request…";
    request(RequestAccessMutation, {
      offenderId: nominal.id,
      justification: justification.value.trim(),
      mode: mode.value as ShareMode,
      ceiling: ceiling.value as Classification,
    })
      .then((answer) => {
        const made = answer.requestAccess;
        state.textContent = describeRequest(made);
        fields.hidden = true;
        send.hidden = true;
        close.textContent = "Close";
        close.focus();
        done(made);
      })
      .catch((failure: unknown) => {
        state.textContent = "";
        send.disabled = false;
        error.textContent = failure instanceof ApiError ? `${failure.message} (${failure.code})` : "The request could not be sent.";
      });
  });
  document.body.append(dialog);
  dialog.showModal();
  justification.focus();
  return dialog;
}
