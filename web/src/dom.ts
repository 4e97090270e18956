// The one DOM helper the views share: build an element with attributes and children.

type Child = Node | string | null | undefined | false;
type Attrs = Record<string, string | number | boolean | EventListener | undefined>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === "function") {
      element.addEventListener(name.replace(/^on/, "").toLowerCase(), value);
    } else if (value === true) {
      element.setAttribute(name, "");
    } else {
      element.setAttribute(name, String(value));
    }
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child);
  }
  return element;
}

/** Replace everything inside `parent` with `children`. */
export function replace(parent: Element, ...children: (Child | Child[])[]): void {
  parent.replaceChildren();
  for (const child of children.flat()) {
    if (child) parent.append(child);
  }
}

/** The page's configuration, written by the server into a meta tag (graph_api/web.py). */
export interface PageConfig {
  devSignIn: boolean;
  oidc: { issuer: string; clientId: string; scope: string } | null;
}

export function pageConfig(): PageConfig {
  const meta = document.querySelector<HTMLMetaElement>('meta[name="explorer-config"]');
  if (!meta) return { devSignIn: false, oidc: null };
  return JSON.parse(meta.content) as PageConfig;
}
