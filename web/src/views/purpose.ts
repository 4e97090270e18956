// The purpose of the session (docs/design.md §4): asked before any data is shown, sent with every
// request, and written into the audit trail.
import type { Session } from "../auth/session";
import { h, replace } from "../dom";

const SUGGESTIONS = ["MAPPA meeting preparation", "Case review", "Intelligence development", "Risk assessment", "Safeguarding enquiry"];

export function renderPurpose(root: HTMLElement, session: Session, done: (purpose: string) => void): void {
  const input = h("input", { id: "purpose", name: "purpose", required: true, minlength: 5, maxlength: 200, list: "purpose-suggestions", autocomplete: "off", value: session.purpose ?? "" });
  const error = h("p", { class: "error", id: "purpose-error", role: "alert" });
  const form = h("form", { class: "card signin", "aria-labelledby": "purpose-title" },
    h("h1", { id: "purpose-title" }, "Why are you looking?"),
    h("p", {}, `Signed in as ${session.userId} (${session.agency}). State the purpose of this session: it is sent with every request and recorded in the audit trail (Data Protection Act 2018, s.62).`),
    h("label", { for: "purpose" }, "Purpose of this session"),
    input,
    h("datalist", { id: "purpose-suggestions" }, SUGGESTIONS.map((text) => h("option", { value: text }))),
    error,
    h("button", { type: "submit", class: "primary" }, "Continue"),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const purpose = input.value.trim();
    if (purpose.length < 5) {
      error.textContent = "Say why, in at least 5 characters.";
      input.focus();
      return;
    }
    done(purpose);
  });
  replace(root, h("main", { class: "centred" }, form));
  input.focus();
}
