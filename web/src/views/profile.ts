// The offender profile: photos, marks, addresses with co-residents, associates, vehicles,
// intelligence with its grading, risk; every list paged as the API pages it.
import { ApiError, request } from "../api/client";
import { ProfilePageQuery, ProfileQuery } from "../api/documents";
import type { LinkedPersonNodeFragment, ProfilePageQuery as PageAnswer } from "../gql/graphql";
import { h, replace } from "../dom";
import { formatPlate, humanise, isoDay } from "../canvas/model";
import { currentAddressLine } from "../withheld";
import { showPack } from "./pack";
import { photoImage, photoPlaceholder } from "./photos";
import { withheldMarker } from "./withheld";

const PAGE = 10;

interface Connection<E> { totalCount: number; withheld: boolean; pageInfo: { hasNextPage: boolean; endCursor?: string | null }; edges: E[] }

/** A list the page did not ask for reads as empty. */
function c<E>(connection: Connection<E> | null | undefined): Connection<E> {
  return connection ?? { totalCount: 0, withheld: false, pageInfo: { hasNextPage: false, endCursor: null }, edges: [] };
}
type Lists = NonNullable<PageAnswer["offender"]>;
type ListName = "marks" | "addresses" | "associates" | "vehicles" | "intelligence" | "riskAssessments";

interface Facts { from: string; to?: string | null; agency: string; classification: string }

function facts(link: Facts): string {
  return `${link.from}${link.to ? ` to ${link.to}` : " to now"} · ${link.agency} · ${humanise(link.classification)}`;
}

function personName(person: LinkedPersonNodeFragment): string {
  if (person.__typename === "RestrictedNominal") return `Restricted nominal (managed by ${person.managingAgency.code})`;
  if (person.__typename === "Offender") return `${person.forename} ${person.surname} (offender, ${humanise(person.riskLevel)} risk)`;
  return `${person.forename} ${person.surname} (associate)`;
}

/** A page of a list as the section shows it. */
function listed<E>(connection: Connection<E>, item: (edge: E) => HTMLElement) {
  const { totalCount: total, withheld, pageInfo, edges } = connection;
  return { total, withheld, hasNext: pageInfo.hasNextPage, cursor: pageInfo.endCursor, items: edges.map(item) };
}

type Rows = (offender: Lists) => { items: HTMLElement[]; total: number; withheld: boolean; hasNext: boolean; cursor: string | null | undefined };

const LISTS: { name: ListName; title: string; rows: Rows }[] = [
  {
    name: "riskAssessments", title: "Risk assessments",
    rows: (o) => listed(c(o.riskAssessments), (e) => h("li", {}, `${e.assessment.tool}: ${humanise(e.assessment.level)}, assessed ${e.assessment.assessedOn}${e.assessment.nextReviewOn ? `, review due ${e.assessment.nextReviewOn}` : ""}`, h("span", { class: "meta" }, ` (${facts(e)})`))),
  },
  {
    name: "addresses", title: "Addresses",
    rows: (o) => listed(c(o.addresses), (e) => h("li", {},
        h("strong", {}, `${e.address.line1}, ${e.address.town} ${e.address.postcode}`),
        ` ${humanise(e.address.kind)}${e.main ? ", main" : ""}`, h("span", { class: "meta" }, ` (${facts(e)})`),
        e.address.residents.edges.length > 1 ? h("ul", { class: "co-residents", "aria-label": "Who else lives or lived there" },
          e.address.residents.edges.filter((r) => r.person.id !== o.id).map((r) => h("li", {}, `${personName(r.person)}, ${r.from}${r.to ? ` to ${r.to}` : " to now"}`))) : null)),
  },
  {
    name: "associates", title: "Associates",
    rows: (o) => listed(c(o.associates), (e) => h("li", {}, `${humanise(e.type)}: ${personName(e.person)}`, h("span", { class: "meta" }, ` (${facts(e)})`))),
  },
  {
    name: "vehicles", title: "Vehicles",
    rows: (o) => listed(c(o.vehicles), (e) => h("li", {}, h("span", { class: "plate small" }, formatPlate(e.vehicle.vrm)), ` ${e.vehicle.colour} ${e.vehicle.make} ${e.vehicle.model}, ${humanise(e.role).toLowerCase()}`, h("span", { class: "meta" }, ` (${facts(e)})`))),
  },
  {
    name: "marks", title: "Marks",
    rows: (o) => listed(c(o.marks), (e) => h("li", {},
        e.mark.photos[0] ? photoImage(e.mark.photos[0], `Photo of ${humanise(e.mark.type)} on ${e.mark.bodyPart}`) : null,
        `${humanise(e.mark.type)}, ${e.mark.side ? `${humanise(e.mark.side).toLowerCase()} ` : ""}${e.mark.bodyPart}${e.mark.orientation ? ` (${e.mark.orientation})` : ""}: ${e.mark.description}`,
        h("span", { class: "meta" }, ` (${facts(e)})`),
        e.mark.photosWithheld ? withheldMarker("Photos of this mark") : null)),
  },
  {
    name: "intelligence", title: "Intelligence",
    rows: (o) => listed(c(o.intelligence), (e) => h("li", {},
        h("span", { class: "grading", title: "Source, information, handling (3x5x2)" }, `${e.intelligence.source}${e.intelligence.information}${e.intelligence.handling}`),
        ` ${e.intelligence.text}`,
        e.intelligence.conditions ? h("span", { class: "meta" }, ` Handling conditions: ${e.intelligence.conditions}.`) : null,
        h("span", { class: "meta" }, ` (${facts(e)}${e.intelligence.reviewOn ? `, review ${e.intelligence.reviewOn}` : ""})`))),
  },
];

function page(id: string, name: ListName, after: string | null) {
  const flags = { marks: false, addresses: false, associates: false, vehicles: false, intelligence: false, riskAssessments: false, [name]: true };
  return request(ProfilePageQuery, { id, first: PAGE, after, ...flags });
}

function listSection(id: string, list: (typeof LISTS)[number]): HTMLElement {
  const ul = h("ul", {});
  const count = h("span", { class: "meta" }, " …");
  const section = h("section", { class: "profile-list", "aria-labelledby": `list-${list.name}`, "aria-busy": "true" },
    h("h3", { id: `list-${list.name}` }, list.title, count), ul);
  const more = h("button", { type: "button", hidden: true }, `More ${list.title.toLowerCase()}`);
  section.append(more);
  let after: string | null = null;
  const load = () => {
    more.disabled = true;
    page(id, list.name, after)
      .then((answer) => {
        section.removeAttribute("aria-busy");
        if (!answer.offender) return;
        const rows = list.rows(answer.offender);
        count.textContent = ` ${rows.total}${rows.withheld ? " shown" : ""}`;
        ul.append(...rows.items);
        if (!ul.children.length && !section.querySelector(".empty")) {
          section.insertBefore(h("p", { class: "meta empty" }, rows.withheld ? "None shown to you." : "None on record."), more);
        }
        if (rows.withheld && !section.querySelector(".withheld")) section.insertBefore(withheldMarker(), more);
        after = rows.cursor ?? null;
        more.hidden = !rows.hasNext;
        more.disabled = false;
      })
      .catch((error: unknown) => {
        section.removeAttribute("aria-busy");
        count.textContent = error instanceof ApiError ? ` could not be loaded (${error.code})` : " could not be loaded";
      });
  };
  more.addEventListener("click", load);
  load();
  return section;
}

export async function renderProfile(root: HTMLElement, id: string, back: () => void, draw: (id: string) => void): Promise<void> {
  const status = h("p", { class: "status", role: "status" }, "Loading profile…");
  replace(root, h("section", { class: "profile", "aria-labelledby": "profile-title" },
    h("button", { type: "button", onclick: back }, "← Back to the network"), h("h2", { id: "profile-title" }, "Profile"), status));
  let answer;
  try {
    answer = await request(ProfileQuery, { id, today: isoDay(Math.floor(Date.now() / 86_400_000)) });
  } catch (error) {
    status.textContent = error instanceof ApiError ? `${error.message} (${error.code})` : "The profile could not be loaded.";
    return;
  }
  const o = answer.offender;
  if (!o) {
    status.textContent = "No offender with that id is in your agency's scope.";
    return;
  }
  const name = `${o.forename} ${o.surname}`;
  const current = currentAddressLine(o.current);
  // An offender in scope has a meeting pack; the API decides what is in it (or refuses).
  const packArea = h("div", { class: "pack-area" });
  const packButton = h("button", { type: "button", "aria-controls": "pack-area" }, "Meeting pack");
  packArea.id = "pack-area";
  packButton.addEventListener("click", () => void showPack(packArea, o.id, name, () => packButton.focus()));
  replace(root, h("section", { class: "profile", "aria-labelledby": "profile-title" },
    h("div", { class: "actions" },
      h("button", { type: "button", onclick: back }, "← Back to the network"),
      h("button", { type: "button", onclick: () => draw(o.id) }, "Draw network"),
      packButton),
    packArea,
    h("header", { class: "profile-head" },
      h("div", { class: "photos" }, o.photos.length ? o.photos.slice(0, 4).map((p) => photoImage(p, `Photo of ${name}, ${p.id}`)) : photoPlaceholder()),
      h("div", {},
        h("h2", { id: "profile-title" }, name),
        h("p", { class: "meta" }, `PNC ${o.pncId} · born ${o.dob ?? "unknown"} · ${humanise(o.gender)}`),
        o.aliases.length ? h("p", { class: "meta" }, `Also known as ${o.aliases.join(", ")}`) : null,
        h("p", {}, h("span", { class: "risk", "data-risk": o.riskLevel }, `${humanise(o.riskLevel)} risk`),
          ` · ${o.nominalType} · MAPPA category ${o.mappaCategory}, level ${o.mappaLevel}`),
        h("p", { class: "meta" }, `Managed by ${o.managingAgency.name} (${o.managingAgency.code})`),
        h("p", { class: "current-address" }, current.text),
        current.withheld ? withheldMarker("Addresses") : null,
        o.photosWithheld ? withheldMarker("Photos") : null)),
    h("div", { class: "profile-grid" }, LISTS.map((list) => listSection(o.id, list)))));
}
