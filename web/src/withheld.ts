// Withheld links (docs/design.md §10): a list whose `withheld` is true has links the user may
// not see. The explorer says so, never how many; and a list it shows empty is "none shown",
// never "none known".

export const WITHHELD = "More withheld: above your clearance or the share's ceiling.";

/** The names of the lists, among those asked, that hold withheld links. */
export function withheldLists(lists: object | null | undefined): string[] {
  return Object.entries(lists ?? {})
    .filter(([, list]) => typeof list === "object" && list !== null && (list as { withheld?: unknown }).withheld === true)
    .map(([name]) => name);
}

interface CurrentAddresses {
  withheld: boolean;
  edges: { main: boolean; address: { line1: string; town: string; postcode: string } }[];
}

/** The profile's "current address" line: the main current address shown, else the first;
 * with none shown, it says so, and says whether more is withheld, never that none is known. */
export function currentAddressLine(current: CurrentAddresses | null | undefined): { text: string; withheld: boolean } {
  const withheld = Boolean(current?.withheld);
  const shown = current?.edges.find((edge) => edge.main) ?? current?.edges[0];
  if (shown) {
    const { line1, town, postcode } = shown.address;
    return { text: `Current address: ${line1}, ${town} ${postcode}${shown.main ? "" : " (not the main address)"}`, withheld };
  }
  return {
    text: withheld ? "No current address shown to you." : "No current address on record.",
    withheld,
  };
}
