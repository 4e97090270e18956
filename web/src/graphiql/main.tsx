// GraphiQL with the explorer plugin, bundled from npm (no CDN). It signs in like the explorer
// (development mode only): a demo user's token and the session's purpose, held in memory and
// added to every request by the fetcher, never typed into the Headers tab or stored.
import "graphiql/graphiql.css";
import "@graphiql/plugin-explorer/dist/style.css";
import "./graphiql.css";
import { explorerPlugin } from "@graphiql/plugin-explorer";
import { createGraphiQLFetcher } from "@graphiql/toolkit";
import { GraphiQL } from "graphiql";
import { StrictMode, useMemo, useState } from "react";
import { createRoot } from "react-dom/client";

import { type DemoUser, demoUsers, signInAs } from "../auth/devSignIn";
import type { Session } from "../auth/session";

const explorer = explorerPlugin({ showAttribution: false });

function SignIn({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const [users, setUsers] = useState<DemoUser[] | null>(null);
  const [error, setError] = useState("");
  const [chosen, setChosen] = useState("");
  const [purpose, setPurpose] = useState("");
  useMemo(() => {
    demoUsers().then((list) => {
      setUsers(list);
      setChosen(list[0]?.user_id ?? "");
    }, (reason: Error) => setError(reason.message));
  }, []);
  return (
    <main className="graphiql-signin">
      <h1>GraphiQL · Offender Graph API</h1>
      <p>Development mode. Choose a demo user and state your purpose; both go with every query.</p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (purpose.trim().length < 5) {
            setError("State a purpose of at least 5 characters.");
            return;
          }
          signInAs(chosen).then((session) => onSignedIn({ ...session, purpose: purpose.trim() }), (reason: Error) => setError(reason.message));
        }}
      >
        <label htmlFor="user">Demo user</label>
        <select id="user" value={chosen} onChange={(event) => setChosen(event.target.value)}>
          {(users ?? []).map((user) => (
            <option key={user.user_id} value={user.user_id}>
              {user.user_id}: {user.agency_name}, {user.roles.join(", ")}, {user.clearance}
            </option>
          ))}
        </select>
        <label htmlFor="purpose">Purpose of this session</label>
        <input id="purpose" value={purpose} onChange={(event) => setPurpose(event.target.value)} />
        <p role="alert" className="error">{error}</p>
        <button type="submit">Open GraphiQL</button>
      </form>
      <p><a href="/">Back to the explorer</a> · <a href="/docs">API docs</a></p>
    </main>
  );
}

const DEFAULT_QUERY = `# The register's GraphQL API. Open the Explorer (left) to build a query by clicking.
{
  me { userId agency roles clearance purpose }
  agencies { code name kind }
}
`;

function App() {
  const [session, setSession] = useState<Session | null>(null);
  const fetcher = useMemo(() => {
    if (!session) return null;
    return createGraphiQLFetcher({
      url: "/graphql",
      headers: { Authorization: `Bearer ${session.token}`, "X-Purpose": session.purpose ?? "" },
    });
  }, [session]);
  if (!session || !fetcher) return <SignIn onSignedIn={setSession} />;
  return <GraphiQL fetcher={fetcher} plugins={[explorer]} defaultQuery={DEFAULT_QUERY} shouldPersistHeaders={false} />;
}

createRoot(document.getElementById("graphiql-root") as HTMLElement).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
