// The one GraphQL client: POST /graphql with the session's bearer token and purpose, exactly
// as any other app calls the public API. Documents are typed by graphql-codegen.
import { session } from "../auth/session";
import type { TypedDocumentString } from "../gql/graphql";

export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

interface GraphQLAnswer<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

let onUnauthenticated: () => void = () => undefined;

/** What to do when the API says the token is no longer good (sign in again). */
export function whenUnauthenticated(handler: () => void): void {
  onUnauthenticated = handler;
}

/** The bearer token and purpose every call of the API carries. */
function sessionHeaders(): Record<string, string> {
  const current = session();
  const headers: Record<string, string> = {};
  if (current) {
    headers.Authorization = `Bearer ${current.token}`;
    if (current.purpose) headers["X-Purpose"] = current.purpose;
  }
  return headers;
}

/**
 * A document the API renders (e.g. the MAPPA pack), fetched with the session's headers: a Blob,
 * or an ApiError from the API's `{code, message}` refusal.
 */
export async function fetchDocument(path: string): Promise<Blob> {
  let response: Response;
  try {
    response = await fetch(path, { headers: sessionHeaders() });
  } catch {
    throw new ApiError("the API cannot be reached", "UNAVAILABLE");
  }
  if (response.ok) return response.blob();
  let refusal: { code?: string; message?: string } = {};
  try {
    refusal = (await response.json()) as typeof refusal;
  } catch {
    // not the API's JSON refusal: the status says what there is to say
  }
  const code = refusal.code ?? `HTTP_${response.status}`;
  if (code === "UNAUTHENTICATED") onUnauthenticated();
  throw new ApiError(refusal.message ?? response.statusText, code);
}

/**
 * How a request names its document: by id (`sha256:` and the hash graphql-codegen gave it,
 * one of the API's trusted documents), or, for a document without one, by its text.
 */
export function documentFields(document: {
  toString(): string;
  __meta__?: Record<string, unknown>;
}): { documentId: string } | { query: string } {
  const hash = document.__meta__?.hash;
  return typeof hash === "string" ? { documentId: `sha256:${hash}` } : { query: document.toString() };
}

export async function request<TResult, TVariables>(
  document: TypedDocumentString<TResult, TVariables>,
  ...[variables]: TVariables extends Record<string, never> ? [] : [TVariables]
): Promise<TResult> {
  const sent = variables ?? {};
  let answer = await post<TResult>({ ...documentFields(document), variables: sent });
  // An API that does not know this build's documents yet (a deployment under way, or a
  // development server): the same request with the text.
  if (answer.errors?.[0]?.extensions?.code === "PERSISTED_DOCUMENT_NOT_FOUND") {
    answer = await post<TResult>({ query: document.toString(), variables: sent });
  }
  const error = answer.errors?.[0];
  if (error) {
    const code = error.extensions?.code ?? "INTERNAL_SERVER_ERROR";
    if (code === "UNAUTHENTICATED") onUnauthenticated();
    throw new ApiError(error.message, code);
  }
  if (!answer.data) throw new ApiError("the API answered no data", "INTERNAL_SERVER_ERROR");
  return answer.data;
}

async function post<TResult>(body: Record<string, unknown>): Promise<GraphQLAnswer<TResult>> {
  const headers: Record<string, string> = { "Content-Type": "application/json", ...sessionHeaders() };
  let response: Response;
  try {
    response = await fetch("/graphql", { method: "POST", headers, body: JSON.stringify(body) });
  } catch {
    throw new ApiError("the API cannot be reached", "UNAVAILABLE");
  }
  return (await response.json()) as GraphQLAnswer<TResult>;
}
