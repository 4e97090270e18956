// Production sign-in: the organisation's identity provider, authorization code + PKCE. The
// verifier and state survive the redirect in sessionStorage (this tab only, removed on
// return); the access token stays in memory.
import { authorizeUrl, codeChallenge, codeVerifier } from "./pkce";
import { type Session, tokenClaims } from "./session";

interface Discovery {
  authorization_endpoint: string;
  token_endpoint: string;
}

interface OidcConfig {
  issuer: string;
  clientId: string;
  scope: string;
}

const PENDING = "explorer.oidc.pending";

async function discover(issuer: string): Promise<Discovery> {
  const response = await fetch(`${issuer}/.well-known/openid-configuration`);
  if (!response.ok) throw new Error(`the identity provider answered ${response.status}`);
  return (await response.json()) as Discovery;
}

function redirectUri(): string {
  return `${location.origin}/`;
}

export async function beginSignIn(config: OidcConfig): Promise<void> {
  const discovery = await discover(config.issuer);
  const verifier = codeVerifier();
  const state = codeVerifier();
  sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state }));
  location.assign(
    authorizeUrl({
      authorizationEndpoint: discovery.authorization_endpoint,
      clientId: config.clientId,
      redirectUri: redirectUri(),
      scope: config.scope,
      state,
      challenge: await codeChallenge(verifier),
    }),
  );
}

/** On return from the identity provider: exchange the code for a token, or null. */
export async function completeSignIn(config: OidcConfig): Promise<Session | null> {
  const params = new URLSearchParams(location.search);
  const code = params.get("code");
  const pending = sessionStorage.getItem(PENDING);
  if (!code || !pending) return null;
  sessionStorage.removeItem(PENDING);
  history.replaceState(null, "", "/");
  const { verifier, state } = JSON.parse(pending) as { verifier: string; state: string };
  if (params.get("state") !== state) throw new Error("the sign-in answer does not match its request");
  const discovery = await discover(config.issuer);
  const response = await fetch(discovery.token_endpoint, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      code,
      redirect_uri: redirectUri(),
      client_id: config.clientId,
      code_verifier: verifier,
    }),
  });
  if (!response.ok) throw new Error(`the identity provider refused the sign-in (${response.status})`);
  const answer = (await response.json()) as { access_token: string; expires_in?: number };
  const claims = tokenClaims(answer.access_token);
  return {
    token: answer.access_token,
    userId: String(claims.sub ?? "?"),
    agency: String(claims.agency ?? "?"),
    roles: Array.isArray(claims.roles) ? claims.roles.map(String) : [],
    clearance: String(claims.clearance ?? "?"),
    expiresAt: Date.now() + (answer.expires_in ?? 300) * 1000,
    purpose: null,
  };
}
