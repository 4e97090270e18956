// The search box: names, plates (`?` one character, `*` any run) and marks, one box; results
// as cards.
import { ApiError, request } from "../api/client";
import { SearchMarksQuery, SearchNamesQuery, SearchPlatesQuery } from "../api/documents";
import type { MarkType } from "../gql/graphql";
import { h, replace } from "../dom";
import { type SearchKind, classifySearch, formatPlate, humanise, markQuery } from "../canvas/model";
import { type CardActions, offenderCard, restrictedCard } from "./cards";
import { identifyForm } from "./identify";
import { photoImage } from "./photos";

const PAGE = 20;

export function searchPanel(actions: CardActions): HTMLElement {
  const input = h("input", { id: "search", type: "search", name: "q", autocomplete: "off", placeholder: "Name, plate (AB1? ?DE) or mark (tattoo left forearm snake)" });
  const kind = h("select", { id: "search-kind", name: "kind" },
    h("option", { value: "auto" }, "Any"),
    h("option", { value: "name" }, "Name"),
    h("option", { value: "plate" }, "Plate"),
    h("option", { value: "mark" }, "Mark"),
  );
  const status = h("p", { class: "status", role: "status", "aria-live": "polite" });
  const results = h("div", { class: "results", id: "results" });
  const form = h("form", { role: "search", class: "search" },
    h("label", { for: "search" }, "Search the register"),
    h("div", { class: "row" }, input,
      h("label", { for: "search-kind", class: "visually-hidden" }, "Search for"), kind,
      h("button", { type: "submit", class: "primary" }, "Search")),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    const chosen = kind.value === "auto" ? classifySearch(text) : (kind.value as SearchKind);
    status.textContent = `Searching ${chosen === "name" ? "names" : chosen === "plate" ? "plates" : "marks"}…`;
    replace(results);
    run(chosen, text, actions, results)
      .then((count) => { status.textContent = `${count} result${count === 1 ? "" : "s"} (${chosen} search)`; })
      .catch((error: unknown) => {
        status.textContent = error instanceof ApiError ? `${error.message} (${error.code})` : "The search failed.";
      });
  });
  return h("section", { class: "panel search-panel", "aria-labelledby": "search-title" },
    h("h2", { id: "search-title" }, "Search"), form, identifyForm(actions, status, results), status, results);
}

async function run(kind: SearchKind, text: string, actions: CardActions, results: HTMLElement): Promise<number> {
  if (kind === "name") {
    const answer = await request(SearchNamesQuery, { name: text, first: PAGE });
    for (const edge of answer.searchOffenders.edges) {
      const hit = edge.nominal;
      results.append(hit.__typename === "Offender" ? offenderCard(hit, actions) : restrictedCard(hit));
    }
    return answer.searchOffenders.edges.length;
  }
  if (kind === "plate") {
    const answer = await request(SearchPlatesQuery, { vrm: text, first: PAGE });
    for (const edge of answer.vehicles.edges) {
      const vehicle = edge.node;
      const users = h("div", { class: "nested" });
      for (const link of vehicle.users.edges) {
        const note = `${humanise(link.role)} of ${formatPlate(vehicle.vrm)} since ${link.from}${link.to ? ` until ${link.to}` : ""}`;
        const person = link.person;
        if (person.__typename === "Offender") users.append(offenderCard(person, actions, note));
        else if (person.__typename === "RestrictedNominal") users.append(restrictedCard(person, note));
        else users.append(h("p", { class: "meta" }, `${person.forename} ${person.surname} (associate) · ${note}`));
      }
      results.append(h("article", { class: "result vehicle", "data-id": vehicle.id, "aria-label": `Vehicle ${formatPlate(vehicle.vrm)}` },
        h("div", { class: "plate", "aria-hidden": "true" }, formatPlate(vehicle.vrm)),
        h("div", { class: "result-body" },
          h("h3", {}, formatPlate(vehicle.vrm)),
          h("p", { class: "meta" }, `${vehicle.colour} ${vehicle.make} ${vehicle.model}`),
          users)));
    }
    return answer.vehicles.edges.length;
  }
  const query = markQuery(text);
  const answer = await request(SearchMarksQuery, { type: (query.type as MarkType | null) ?? null, text: query.text, first: PAGE });
  for (const edge of answer.searchMarks.edges) {
    const mark = edge.mark;
    const where = `${humanise(mark.type)}, ${mark.side ? `${humanise(mark.side).toLowerCase()} ` : ""}${mark.bodyPart}`;
    const photo = mark.photos[0];
    results.append(h("div", { class: "mark-hit" },
      h("p", { class: "meta" }, photo ? photoImage(photo, `Photo of ${where}`) : null, `${where}: ${mark.description}`),
      edge.bearer.__typename === "Offender"
        ? offenderCard(edge.bearer, actions, `Bears: ${where}`)
        : restrictedCard(edge.bearer, `Bears: ${where}`)));
  }
  return answer.searchMarks.edges.length;
}
