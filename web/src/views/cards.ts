// Result cards: an offender in full, or a restricted nominal (grey, its managing agency named).
import type { OffenderCardFragment, RestrictedCardFragment, RestrictedIdentityFragment } from "../gql/graphql";
import { h, replace } from "../dom";
import { RISK_COLOURS, humanise } from "../canvas/model";
import { describeRequest, mayRequestAgain } from "../access/requests";
import { openRequestAccess } from "./accessDialog";
import { photoImage, photoPlaceholder } from "./photos";

export interface CardActions {
  draw(id: string): void;
  profile(id: string): void;
}

export function offenderCard(offender: OffenderCardFragment, actions: CardActions, note?: string): HTMLElement {
  const name = `${offender.forename} ${offender.surname}`;
  const photo = offender.photos[0];
  return h("article", { class: "result", "data-id": offender.id, "aria-label": name },
    photo ? photoImage(photo, `Photo of ${name}`) : photoPlaceholder(),
    h("div", { class: "result-body" },
      h("h3", {}, name),
      h("p", { class: "meta" }, `Born ${offender.dob ?? "unknown"} · PNC ${offender.pncId}`),
      offender.aliases.length ? h("p", { class: "meta" }, `Also known as ${offender.aliases.join(", ")}`) : null,
      h("p", { class: "meta" },
        h("span", { class: "risk", "data-risk": offender.riskLevel }, h("span", { class: "swatch", "data-colour": RISK_COLOURS[offender.riskLevel] ?? "" }), `${humanise(offender.riskLevel)} risk`),
        ` · ${offender.nominalType} · MAPPA ${offender.mappaCategory}/${offender.mappaLevel} · ${offender.managingAgency.code}`),
      note ? h("p", { class: "meta" }, note) : null,
      h("div", { class: "actions" },
        h("button", { type: "button", onclick: () => actions.draw(offender.id) }, "Draw network"),
        h("button", { type: "button", onclick: () => actions.profile(offender.id) }, "Profile"),
      ),
    ),
  );
}

/** Where the user's agency's request for this nominal stands, and "Request access" while
 * another may be made. Updates itself when a request is made. */
export function accessRequestBlock(nominal: RestrictedCardFragment): HTMLElement {
  const block = h("div", { class: "access-request" });
  const render = (current: RestrictedCardFragment["accessRequest"]) => {
    replace(block,
      current ? h("p", { class: "request-state", "data-state": current.state, tabindex: -1 }, describeRequest(current)) : null,
      mayRequestAgain(current)
        ? h("button", { type: "button", onclick: () => openRequestAccess(nominal, (made) => {
          nominal.accessRequest = made; // remembered wherever this nominal is shown again
          render(made);
        }, () => block.querySelector<HTMLElement>(".request-state")) }, "Request access")
        : null);
  };
  render(nominal.accessRequest);
  return block;
}

export function restrictedCard(nominal: RestrictedCardFragment & Partial<Pick<RestrictedIdentityFragment, "card">>, note?: string): HTMLElement {
  const card = nominal.card;
  const photo = card?.photos[0];
  return h("article", { class: "result restricted", "data-id": nominal.id, "aria-label": card ? `Restricted nominal: ${card.forename} ${card.surname}` : "Restricted nominal" },
    photo && card ? photoImage(photo, `Photo of ${card.forename} ${card.surname}`) : h("div", { class: "photo placeholder", "aria-hidden": "true" }, "Restricted"),
    h("div", { class: "result-body" },
      h("h3", {}, card ? `${card.forename} ${card.surname} (restricted)` : "Restricted nominal"),
      card ? h("p", { class: "meta" }, `Identification card: born ${card.dob ?? "unknown"} · ${humanise(card.gender)}`) : null,
      h("p", { class: "meta" }, `Outside your agency's scope. Managed by ${nominal.managingAgency.name} (${nominal.managingAgency.code}).`),
      note ? h("p", { class: "meta" }, note) : null,
      h("p", { class: "meta" }, `To see more, ask ${nominal.managingAgency.code} to share this nominal with your agency.`),
      accessRequestBlock(nominal),
    ),
  );
}
