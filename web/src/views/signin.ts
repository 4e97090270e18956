// Sign-in: the organisation's identity provider (OIDC) in production, the demo users in
// development mode.
import { beginSignIn } from "../auth/oidc";
import { type DemoUser, demoUsers, signInAs } from "../auth/devSignIn";
import type { Session } from "../auth/session";
import { type PageConfig, h, replace } from "../dom";
import { humanise } from "../canvas/model";

export function renderSignIn(root: HTMLElement, config: PageConfig, done: (session: Session) => void): void {
  const status = h("p", { role: "status", class: "status" });
  const panel = h("section", { class: "card signin", "aria-labelledby": "signin-title" },
    h("h1", { id: "signin-title" }, "Offender Graph Explorer"),
    h("p", {}, "Sign in to explore the register. Every search and view is recorded in the audit trail with your purpose."),
    status,
  );
  replace(root, h("main", { class: "centred" }, panel));

  if (config.oidc) {
    const oidc = config.oidc;
    panel.append(
      h("button", {
        type: "button", class: "primary",
        onclick: () => beginSignIn(oidc).catch((error: Error) => { status.textContent = error.message; }),
      }, "Sign in with your organisation"),
    );
  }
  if (!config.devSignIn) {
    if (!config.oidc) status.textContent = "No sign-in is configured: set GRAPH_API_OIDC_ISSUER and GRAPH_API_OIDC_CLIENT_ID.";
    return;
  }
  const table = h("table", { class: "users" },
    h("caption", {}, "Development sign-in: choose a demo user"),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "User"), h("th", { scope: "col" }, "Agency"),
      h("th", { scope: "col" }, "Roles"), h("th", { scope: "col" }, "Clearance"), h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, "Action")))),
  );
  const body = h("tbody");
  table.append(body);
  panel.append(table);
  status.textContent = "Loading demo users…";
  demoUsers()
    .then((users: DemoUser[]) => {
      status.textContent = "";
      for (const user of users) {
        body.append(h("tr", {},
          h("td", {}, user.user_id),
          h("td", {}, `${user.agency_name} (${user.agency})`),
          h("td", {}, user.roles.map(humanise).join(", ")),
          h("td", {}, humanise(user.clearance)),
          h("td", {}, h("button", {
            type: "button", "data-user": user.user_id,
            onclick: () => {
              status.textContent = `Signing in as ${user.user_id}…`;
              signInAs(user.user_id).then(done, (error: Error) => { status.textContent = error.message; });
            },
          }, `Sign in as ${user.user_id}`)),
        ));
      }
    })
    .catch((error: Error) => { status.textContent = error.message; });
}
