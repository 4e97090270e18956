// The explorer: sign in, state the purpose, then search, draw and read profiles.
import "./styles.css";
import { whenUnauthenticated } from "./api/client";
import { completeSignIn } from "./auth/oidc";
import { type Session, session, setPurpose, setSession } from "./auth/session";
import { h, pageConfig, replace } from "./dom";
import { ExplorerView } from "./views/explorer";
import { renderAccessRequests } from "./views/accessRequests";
import { AlertsControl } from "./views/alerts";
import { renderProfile } from "./views/profile";
import { renderPurpose } from "./views/purpose";
import { searchPanel } from "./views/search";
import { renderSignIn } from "./views/signin";

const root = document.getElementById("app") as HTMLElement;
const config = pageConfig();

/** The header's alerts and their live subscription (one per signed-in shell). */
let alerts: AlertsControl | null = null;

function start(): void {
  alerts?.stop();
  alerts = null;
  const current = session();
  if (!current || current.expiresAt <= Date.now()) {
    setSession(null);
    renderSignIn(root, config, (signedIn: Session) => {
      setSession(signedIn);
      start();
    });
    return;
  }
  if (!current.purpose) {
    renderPurpose(root, current, (purpose) => {
      setPurpose(purpose);
      start();
    });
    return;
  }
  shell(current);
}

function shell(current: Session): void {
  const profileArea = h("div", { class: "profile-area", hidden: true });
  const explorer = new ExplorerView((id) => { location.hash = `#/profile/${encodeURIComponent(id)}`; });
  const workspace = h("div", { class: "workspace" }, explorer.element);
  const showRoute = () => {
    const match = /^#\/profile\/(.+)$/.exec(location.hash);
    const requests = location.hash === "#/requests";
    workspace.hidden = Boolean(match) || requests;
    profileArea.hidden = !match && !requests;
    if (requests) void renderAccessRequests(profileArea, () => { location.hash = "#/"; });
    if (match?.[1]) {
      void renderProfile(profileArea, decodeURIComponent(match[1]), () => { location.hash = "#/"; }, (id) => {
        location.hash = "#/";
        void explorer.draw(id);
      });
    }
  };
  const actions = {
    draw: (id: string) => {
      location.hash = "#/";
      void explorer.draw(id);
    },
    profile: (id: string) => { location.hash = `#/profile/${encodeURIComponent(id)}`; },
  };
  const header = h("header", { class: "top" },
    h("span", { class: "brand" }, "Offender Graph Explorer"),
    h("span", { class: "who" }, `${current.userId} · ${current.agency} · ${current.roles.join(", ")} · cleared ${current.clearance}`),
    h("span", { class: "purpose" }, "Purpose: ", h("strong", { id: "current-purpose" }, current.purpose ?? "")),
    h("button", { type: "button", onclick: () => { setSession({ ...current, purpose: null }); start(); } }, "Change purpose"),
    h("a", { href: "#/requests" }, "Access requests"),
    (alerts = new AlertsControl(current)).button,
    config.devSignIn ? h("a", { href: "/graphiql" }, "GraphiQL") : null,
    config.devSignIn ? h("a", { href: "/docs" }, "API docs") : null,
    h("button", { type: "button", onclick: () => { setSession(null); location.hash = ""; start(); } }, "Sign out"),
  );
  if (alerts) header.append(alerts.panel); // drops down under the header, over the page
  replace(root, header, h("main", { class: "layout" }, searchPanel(actions), workspace, profileArea));
  alerts?.start();
  explorer.mount();
  window.onhashchange = showRoute;
  showRoute();
  // For measurements and tests in a real browser: the canvas of this page.
  (window as unknown as { explorer: ExplorerView }).explorer = explorer;
}

whenUnauthenticated(() => {
  setSession(null);
  start();
});

async function boot(): Promise<void> {
  if (config.oidc) {
    try {
      const signedIn = await completeSignIn(config.oidc);
      if (signedIn) setSession(signedIn);
    } catch (error) {
      root.textContent = error instanceof Error ? error.message : "Sign-in failed.";
    }
  }
  start();
}

void boot();
