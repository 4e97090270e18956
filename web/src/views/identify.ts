// The witness enquiry (`identify`): gender, age range, a mark, a vehicle (partial plate with ?
// and *), an area and name fragments; candidates as cards with photos and why they matched.
import { ApiError, request } from "../api/client";
import { IdentifyQuery } from "../api/documents";
import { h, replace } from "../dom";
import { MARK_TYPES, humanise } from "../canvas/model";
import { type EnquiryForm, type FieldError, GENDERS, SIDES, checkEnquiry, fieldOfApiError } from "../identify/enquiry";
import { type CardActions, offenderCard, restrictedCard } from "./cards";

type Field = HTMLInputElement | HTMLSelectElement;

function choice(values: readonly string[], any: string): HTMLOptionElement[] {
  return [h("option", { value: "" }, any), ...values.map((value) => h("option", { value }, humanise(value)))];
}

export function identifyForm(actions: CardActions, status: HTMLElement, results: HTMLElement): HTMLElement {
  const inputs = {} as Record<keyof EnquiryForm, Field>;
  const errors = {} as Record<keyof EnquiryForm, HTMLElement>;
  const field = (key: keyof EnquiryForm, label: string, control: Field, hint?: string) => {
    control.id = `wit-${key}`;
    control.name = key;
    inputs[key] = control;
    errors[key] = h("span", { class: "error field-error", id: `wit-${key}-error` });
    control.setAttribute("aria-describedby", `wit-${key}-error${hint ? ` wit-${key}-hint` : ""}`);
    return h("div", { class: "field" },
      h("label", { for: control.id }, label),
      hint ? h("span", { class: "meta hint", id: `wit-${key}-hint` }, hint) : null,
      control, errors[key]);
  };
  const text = (attrs: Record<string, string | number> = {}) => h("input", { type: "text", autocomplete: "off", ...attrs });
  const summary = h("div", { class: "error-summary", role: "alert", tabindex: -1, hidden: true });
  const form = h("form", { class: "identify", novalidate: true, "aria-label": "Witness enquiry" },
    h("p", { class: "meta" }, "Describe who the witness saw; every part is optional, but give at least one clue. Candidates are ranked by how many clues they match."),
    summary,
    h("fieldset", {}, h("legend", {}, "The person"),
      field("gender", "Gender", h("select", {}, choice(GENDERS, "Any"))),
      h("div", { class: "pair" },
        field("ageFrom", "Age from", text({ inputmode: "numeric", size: 4 })),
        field("ageTo", "Age to", text({ inputmode: "numeric", size: 4 }))),
      field("name", "Name or part of one", text())),
    h("fieldset", {}, h("legend", {}, "A mark (scar, tattoo …)"),
      field("markType", "Type", h("select", {}, choice(MARK_TYPES, "Any type"))),
      field("markBodyPart", "Body part", text(), "e.g. forearm, neck"),
      field("markSide", "Side", h("select", {}, choice(SIDES, "Either side"))),
      field("markWords", "What it shows", text(), "e.g. snake, a name, a date")),
    h("fieldset", {}, h("legend", {}, "A vehicle"),
      field("plate", "Plate, or part of it", text({ class: "plate-input" }), "? one unknown character, * any run: AB1? ?DE"),
      h("div", { class: "pair" },
        field("make", "Make", text({ size: 10 })),
        field("model", "Model", text({ size: 10 }))),
      field("colour", "Colour", text())),
    h("fieldset", {}, h("legend", {}, "The area"),
      field("postcode", "Postcode of an address (current or past)", text({ size: 10 }))),
    h("div", { class: "actions" },
      h("button", { type: "submit", class: "primary" }, "Identify"),
      h("button", { type: "reset" }, "Clear the enquiry")));

  const showErrors = (found: FieldError[]) => {
    for (const key of Object.keys(inputs) as (keyof EnquiryForm)[]) {
      errors[key].textContent = "";
      inputs[key].removeAttribute("aria-invalid");
    }
    summary.hidden = found.length === 0;
    replace(summary, found.length ? h("p", {}, h("strong", {}, "Check the enquiry:")) : null,
      found.length ? h("ul", {}, found.map((error) => h("li", {}, error.field === "form" ? error.message : h("a", { href: `#wit-${error.field}`, onclick: (event: Event) => { event.preventDefault(); inputs[error.field as keyof EnquiryForm].focus(); } }, error.message)))) : null);
    for (const error of found) {
      if (error.field === "form") continue;
      errors[error.field].textContent = error.message;
      inputs[error.field].setAttribute("aria-invalid", "true");
    }
    if (found.length) summary.focus();
  };

  form.addEventListener("reset", () => showErrors([]));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const values = Object.fromEntries(Object.entries(inputs).map(([key, control]) => [key, control.value])) as unknown as EnquiryForm;
    const checked = checkEnquiry(values);
    if (!checked.ok) {
      showErrors(checked.errors);
      return;
    }
    showErrors([]);
    status.textContent = "Identifying…";
    replace(results);
    request(IdentifyQuery, checked.variables)
      .then((answer) => {
        for (const candidate of answer.identify) {
          const note = `Matched: ${candidate.reasons.join("; ")}`;
          const nominal = candidate.nominal;
          results.append(nominal.__typename === "Offender" ? offenderCard(nominal, actions, note) : restrictedCard(nominal, note));
        }
        const count = answer.identify.length;
        status.textContent = `${count} candidate${count === 1 ? "" : "s"} (witness enquiry)`;
        status.scrollIntoView({ block: "start" }); // the form is long: show where the answer is
      })
      .catch((error: unknown) => {
        status.textContent = "";
        if (error instanceof ApiError && error.code === "BAD_USER_INPUT") {
          showErrors([{ field: fieldOfApiError(error.message), message: error.message }]);
        } else {
          status.textContent = error instanceof ApiError ? `${error.message} (${error.code})` : "The enquiry failed.";
        }
      });
  });
  return h("details", { class: "witness" }, h("summary", {}, "Witness enquiry (describe a person)"), form);
}

