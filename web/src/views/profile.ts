// The offender profile: photos, marks, addresses with co-residents, associates, vehicles,
// intelligence with its grading, risk; every list paged as the API pages it.
import { ApiError, request } from "../api/client";
import { ProfilePageQuery, ProfileQuery } from "../api/documents";
import type { LinkedPersonNodeFragment, ProfileQuery as ProfileAnswer } from "../gql/graphql";
import { h, replace } from "../dom";
import { formatPlate, humanise } from "../canvas/model";
import { photoImage, photoPlaceholder } from "./photos";

const PAGE = 10;
type Offender = NonNullable<ProfileAnswer["offender"]>;
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

type Rows = (offender: Offender) => { items: HTMLElement[]; total: number; hasNext: boolean; cursor: string | null | undefined };

const LISTS: { name: ListName; title: string; rows: Rows }[] = [
  {
    name: "riskAssessments", title: "Risk assessments",
    rows: (o) => ({ total: o.riskAssessments.totalCount, hasNext: o.riskAssessments.pageInfo.hasNextPage, cursor: o.riskAssessments.pageInfo.endCursor,
      items: o.riskAssessments.edges.map((e) => h("li", {}, `${e.assessment.tool}: ${humanise(e.assessment.level)}, assessed ${e.assessment.assessedOn}${e.assessment.nextReviewOn ? `, review due ${e.assessment.nextReviewOn}` : ""}`, h("span", { class: "meta" }, ` (${facts(e)})`))) }),
  },
  {
    name: "addresses", title: "Addresses",
    rows: (o) => ({ total: o.addresses.totalCount, hasNext: o.addresses.pageInfo.hasNextPage, cursor: o.addresses.pageInfo.endCursor,
      items: o.addresses.edges.map((e) => h("li", {},
        h("strong", {}, `${e.address.line1}, ${e.address.town} ${e.address.postcode}`),
        ` ${humanise(e.address.kind)}${e.main ? ", main" : ""}`, h("span", { class: "meta" }, ` (${facts(e)})`),
        e.address.residents.edges.length > 1 ? h("ul", { class: "co-residents", "aria-label": "Who else lives or lived there" },
          e.address.residents.edges.filter((r) => r.person.id !== o.id).map((r) => h("li", {}, `${personName(r.person)}, ${r.from}${r.to ? ` to ${r.to}` : " to now"}`))) : null)) }),
  },
  {
    name: "associates", title: "Associates",
    rows: (o) => ({ total: o.associates.totalCount, hasNext: o.associates.pageInfo.hasNextPage, cursor: o.associates.pageInfo.endCursor,
      items: o.associates.edges.map((e) => h("li", {}, `${humanise(e.type)}: ${personName(e.person)}`, h("span", { class: "meta" }, ` (${facts(e)})`))) }),
  },
  {
    name: "vehicles", title: "Vehicles",
    rows: (o) => ({ total: o.vehicles.totalCount, hasNext: o.vehicles.pageInfo.hasNextPage, cursor: o.vehicles.pageInfo.endCursor,
      items: o.vehicles.edges.map((e) => h("li", {}, h("span", { class: "plate small" }, formatPlate(e.vehicle.vrm)), ` ${e.vehicle.colour} ${e.vehicle.make} ${e.vehicle.model}, ${humanise(e.role).toLowerCase()}`, h("span", { class: "meta" }, ` (${facts(e)})`))) }),
  },
  {
    name: "marks", title: "Marks",
    rows: (o) => ({ total: o.marks.totalCount, hasNext: o.marks.pageInfo.hasNextPage, cursor: o.marks.pageInfo.endCursor,
      items: o.marks.edges.map((e) => h("li", {},
        e.mark.photos[0] ? photoImage(e.mark.photos[0].id, `Photo of ${humanise(e.mark.type)} on ${e.mark.bodyPart}`) : null,
        `${humanise(e.mark.type)}, ${e.mark.side ? `${humanise(e.mark.side).toLowerCase()} ` : ""}${e.mark.bodyPart}${e.mark.orientation ? ` (${e.mark.orientation})` : ""}: ${e.mark.description}`,
        h("span", { class: "meta" }, ` (${facts(e)})`))) }),
  },
  {
    name: "intelligence", title: "Intelligence",
    rows: (o) => ({ total: o.intelligence.totalCount, hasNext: o.intelligence.pageInfo.hasNextPage, cursor: o.intelligence.pageInfo.endCursor,
      items: o.intelligence.edges.map((e) => h("li", {},
        h("span", { class: "grading", title: "Source, information, handling (3x5x2)" }, `${e.intelligence.source}${e.intelligence.information}${e.intelligence.handling}`),
        ` ${e.intelligence.text}`,
        e.intelligence.conditions ? h("span", { class: "meta" }, ` Handling conditions: ${e.intelligence.conditions}.`) : null,
        h("span", { class: "meta" }, ` (${facts(e)}${e.intelligence.reviewOn ? `, review ${e.intelligence.reviewOn}` : ""})`))) }),
  },
];

export async function renderProfile(root: HTMLElement, id: string, back: () => void, draw: (id: string) => void): Promise<void> {
  const status = h("p", { class: "status", role: "status" }, "Loading profile…");
  replace(root, h("section", { class: "profile", "aria-labelledby": "profile-title" },
    h("button", { type: "button", onclick: back }, "← Back to the network"), h("h2", { id: "profile-title" }, "Profile"), status));
  let offender: Offender | null | undefined;
  try {
    offender = (await request(ProfileQuery, { id, first: PAGE })).offender;
  } catch (error) {
    status.textContent = error instanceof ApiError ? `${error.message} (${error.code})` : "The profile could not be loaded.";
    return;
  }
  if (!offender) {
    status.textContent = "No offender with that id is in your agency's scope.";
    return;
  }
  const o = offender;
  const name = `${o.forename} ${o.surname}`;
  const sections = LISTS.map((list) => {
    const { items, total, hasNext, cursor } = list.rows(o);
    const ul = h("ul", {}, items);
    const count = h("span", { class: "meta" }, ` ${total}`);
    const section = h("section", { class: "profile-list", "aria-labelledby": `list-${list.name}` },
      h("h3", { id: `list-${list.name}` }, list.title, count), items.length ? ul : h("p", { class: "meta" }, "None shown."));
    let after = cursor;
    if (hasNext) {
      const more = h("button", { type: "button" }, `More ${list.title.toLowerCase()}`);
      more.addEventListener("click", () => {
        more.disabled = true;
        const flags = { marks: false, addresses: false, associates: false, vehicles: false, intelligence: false, riskAssessments: false, [list.name]: true };
        request(ProfilePageQuery, { id, first: PAGE, after: after ?? null, ...flags })
          .then((answer) => {
            if (!answer.offender) return;
            const page = list.rows(answer.offender as unknown as Offender);
            ul.append(...page.items);
            after = page.cursor;
            more.disabled = false;
            if (!page.hasNext) more.remove();
          })
          .catch(() => { more.textContent = "Could not load more"; });
      });
      section.append(more);
    }
    return section;
  });
  replace(root, h("section", { class: "profile", "aria-labelledby": "profile-title" },
    h("div", { class: "actions" },
      h("button", { type: "button", onclick: back }, "← Back to the network"),
      h("button", { type: "button", onclick: () => draw(o.id) }, "Draw network")),
    h("header", { class: "profile-head" },
      h("div", { class: "photos" }, o.photos.length ? o.photos.slice(0, 4).map((p) => photoImage(p.id, `Photo of ${name}, ${p.id}`)) : photoPlaceholder()),
      h("div", {},
        h("h2", { id: "profile-title" }, name),
        h("p", { class: "meta" }, `PNC ${o.pncId} · born ${o.dob ?? "unknown"} · ${humanise(o.gender)}`),
        o.aliases.length ? h("p", { class: "meta" }, `Also known as ${o.aliases.join(", ")}`) : null,
        h("p", {}, h("span", { class: "risk", "data-risk": o.riskLevel }, `${humanise(o.riskLevel)} risk`),
          ` · ${o.nominalType} · MAPPA category ${o.mappaCategory}, level ${o.mappaLevel}`),
        h("p", { class: "meta" }, `Managed by ${o.managingAgency.name} (${o.managingAgency.code})`))),
    h("div", { class: "profile-grid" }, sections)));
}
