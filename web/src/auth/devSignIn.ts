// Development sign-in (GRAPH_API_DEV_MODE=true only): pick a demo user, get a short-lived token.
import type { Session } from "./session";

export interface DemoUser {
  user_id: string;
  agency: string;
  agency_name: string;
  roles: string[];
  clearance: string;
}

export async function demoUsers(): Promise<DemoUser[]> {
  const response = await fetch("/dev/users");
  if (!response.ok) throw new Error(`the demo users could not be listed (${response.status})`);
  return ((await response.json()) as { users: DemoUser[] }).users;
}

export async function signInAs(userId: string): Promise<Session> {
  const response = await fetch("/dev/token", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ userId }),
  });
  if (!response.ok) throw new Error(`sign-in refused (${response.status})`);
  const answer = (await response.json()) as { token: string; expiresIn: number; user: DemoUser };
  return {
    token: answer.token,
    userId: answer.user.user_id,
    agency: answer.user.agency,
    roles: answer.user.roles,
    clearance: answer.user.clearance,
    expiresAt: Date.now() + answer.expiresIn * 1000,
    purpose: null,
  };
}
