// Who is signed in, and why they are looking: held in memory only (never localStorage), so
// closing or reloading the tab signs out.

export interface Session {
  token: string;
  userId: string;
  agency: string;
  roles: string[];
  clearance: string;
  /** Epoch milliseconds after which the token is refused. */
  expiresAt: number;
  /** Why the user is looking (docs/design.md §4): asked before any data is shown, sent as X-Purpose. */
  purpose: string | null;
}

let current: Session | null = null;
const listeners = new Set<(session: Session | null) => void>();

export function session(): Session | null {
  return current;
}

export function setSession(next: Session | null): void {
  current = next;
  for (const listener of listeners) listener(current);
}

export function setPurpose(purpose: string): void {
  if (!current) return;
  setSession({ ...current, purpose });
}

export function onSessionChange(listener: (session: Session | null) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The claims the API reads from a token, without verifying it (the API verifies). */
export function tokenClaims(token: string): Record<string, unknown> {
  const payload = token.split(".")[1];
  if (!payload) return {};
  const base64 = payload.replace(/-/g, "+").replace(/_/g, "/");
  const padded = base64 + "=".repeat((4 - (base64.length % 4)) % 4);
  try {
    return JSON.parse(atob(padded)) as Record<string, unknown>;
  } catch {
    return {};
  }
}
