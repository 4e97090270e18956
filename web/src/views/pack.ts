// The MAPPA meeting pack of an offender in scope: the API renders it (`GET
// /mappa/{id}/pack.html` and `pack.pdf`); the explorer fetches it with the bearer token and
// purpose (the token never leaves memory, so no plain link could carry it) and shows the page
// in a sandboxed frame from a blob: URL, or saves the PDF. Refusals show the API's text.
import { ApiError, fetchDocument } from "../api/client";
import { h, replace } from "../dom";

/** blob: URLs made for this view, released when it is closed or replaced. */
const made: string[] = [];

function release(): void {
  for (const url of made.splice(0)) URL.revokeObjectURL(url);
}

function packPath(id: string, format: "html" | "pdf"): string {
  return `/mappa/${encodeURIComponent(id)}/pack.${format}`;
}

function failure(error: unknown): string {
  return error instanceof ApiError ? `The pack could not be produced: ${error.message} (${error.code})` : "The pack could not be produced.";
}

async function downloadPdf(id: string, status: HTMLElement): Promise<void> {
  status.textContent = "Preparing the PDF…";
  try {
    const blob = await fetchDocument(packPath(id, "pdf"));
    const url = URL.createObjectURL(blob);
    made.push(url);
    const link = h("a", { href: url, download: `mappa-pack-${id}.pdf` }, "Save");
    link.click();
    status.textContent = "PDF ready: it is saved as a download.";
  } catch (error) {
    status.textContent = failure(error);
  }
}

/** Opens the pack in `area` (replacing what is there), with "Download PDF" and "Close". */
export async function showPack(area: HTMLElement, id: string, name: string, close: () => void): Promise<void> {
  release();
  const status = h("p", { class: "status", role: "status" }, "Producing the meeting pack…");
  const heading = h("h3", { id: "pack-title", tabindex: "-1" }, `MAPPA meeting pack: ${name}`);
  const frameArea = h("div", {});
  replace(area, h("section", { class: "pack", "aria-labelledby": "pack-title" },
    heading,
    h("div", { class: "actions" },
      h("button", { type: "button", onclick: () => void downloadPdf(id, status) }, "Download PDF"),
      h("button", { type: "button", onclick: () => { release(); replace(area); close(); } }, "Close pack")),
    status, frameArea));
  heading.focus();
  try {
    const blob = await fetchDocument(packPath(id, "html"));
    const url = URL.createObjectURL(new Blob([blob], { type: "text/html" }));
    made.push(url);
    // No script runs in the pack (none is in it, and the sandbox allows none).
    replace(frameArea, h("iframe", { src: url, title: `MAPPA meeting pack for ${name}`, sandbox: "" }));
    status.textContent = "Meeting pack shown below (its protective marking is at the top and bottom of each page).";
  } catch (error) {
    status.textContent = failure(error);
  }
}
