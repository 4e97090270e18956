// The withheld marker: shown wherever a list the user reads has links withheld from them.
import { h } from "../dom";
import { WITHHELD } from "../withheld";

export function withheldMarker(what?: string): HTMLElement {
  return h("p", { class: "withheld", "data-withheld": what ?? "" }, h("strong", {}, what ? `${what}: ` : ""), WITHHELD);
}
