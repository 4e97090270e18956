// Photos in <img> tags: the bytes are fetched with the session's token and shown from memory.
import { photoObjectUrl } from "../api/client";
import { h } from "../dom";

export function photoImage(photoId: string, alt: string, thumbnail = true): HTMLImageElement {
  const image = h("img", { class: "photo", alt, width: 96, height: 96, "data-photo": photoId });
  photoObjectUrl(`/photos/${encodeURIComponent(photoId)}${thumbnail ? "/thumbnail" : ""}`)
    .then((url) => { image.src = url; })
    .catch(() => { image.alt = `${alt} (unavailable)`; });
  return image;
}

export function photoPlaceholder(): HTMLElement {
  return h("div", { class: "photo placeholder", "aria-hidden": "true" }, "No photo");
}
