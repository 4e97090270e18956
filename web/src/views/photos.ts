// Photos in <img> tags, by the short-lived signed URLs the API gives (Photo.thumbnailUrl):
// bound to the signed-in user, expiring in minutes, each use audited.
import { h } from "../dom";

export interface PhotoLinks {
  id: string;
  url: string;
  thumbnailUrl: string;
}

/** A thumbnail that opens the full image. */
export function photoImage(photo: PhotoLinks, alt: string): HTMLElement {
  return h("a", { href: photo.url, target: "_blank", rel: "noopener", class: "photo-link", title: `${alt} (full size)` },
    h("img", { class: "photo", alt, src: photo.thumbnailUrl, width: 96, height: 96, "data-photo": photo.id }));
}

export function photoPlaceholder(): HTMLElement {
  return h("div", { class: "photo placeholder", "aria-hidden": "true" }, "No photo");
}
