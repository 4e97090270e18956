import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError, documentFields, fetchDocument, request } from "./client";
import { MeQuery } from "./documents";
import persisted from "../gql/persisted-documents.json";
import { setSession } from "../auth/session";

afterEach(() => {
  vi.unstubAllGlobals();
  setSession(null);
});

describe("fetchDocument (the MAPPA pack)", () => {
  it("sends the bearer token and purpose, and answers the body", async () => {
    setSession({ token: "t0k", userId: "u", agency: "MET", roles: [], clearance: "SECRET", expiresAt: Date.now() + 60_000, purpose: "MAPPA meeting" });
    const fetch = vi.fn(async () => new Response("<h1>pack</h1>", { status: 200, headers: { "Content-Type": "text/html" } }));
    vi.stubGlobal("fetch", fetch);
    const blob = await fetchDocument("/mappa/off_1/pack.html");
    expect(await blob.text()).toBe("<h1>pack</h1>");
    expect(fetch).toHaveBeenCalledWith("/mappa/off_1/pack.html", { headers: { Authorization: "Bearer t0k", "X-Purpose": "MAPPA meeting" } });
  });

  it("turns the API's {code, message} refusal into an ApiError with its text", async () => {
    vi.stubGlobal("fetch", async () => new Response(JSON.stringify({ code: "NOT_FOUND", message: "no offender with id 'x' is in your agency's scope" }), { status: 404 }));
    const refused = await fetchDocument("/mappa/x/pack.html").catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ApiError);
    expect((refused as ApiError).code).toBe("NOT_FOUND");
    expect((refused as ApiError).message).toContain("is in your agency's scope");
  });

  it("names the status when the answer is not the API's JSON", async () => {
    vi.stubGlobal("fetch", async () => new Response("bad gateway", { status: 502, statusText: "Bad Gateway" }));
    await expect(fetchDocument("/mappa/x/pack.pdf")).rejects.toMatchObject({ code: "HTTP_502", message: "Bad Gateway" });
  });
});

describe("request (GraphQL)", () => {
  it("names a generated document by its id, a trusted document of the API", async () => {
    const sent: string[] = [];
    vi.stubGlobal("fetch", async (_path: string, init: { body: string }) => {
      sent.push(init.body);
      return new Response(JSON.stringify({ data: { me: { userId: "u" } } }), { status: 200 });
    });
    await request(MeQuery);
    const body = JSON.parse(sent[0]!) as { documentId: string; query?: string };
    expect(body.query).toBeUndefined();
    expect(body.documentId).toMatch(/^sha256:[0-9a-f]{64}$/);
    // The id is one of the manifest's (dist/trusted-documents.json), which holds the text.
    const text = (persisted as Record<string, string>)[body.documentId.slice("sha256:".length)];
    expect(text).toContain("query Me");
  });

  it("sends the text when the API does not know the id (a deployment under way)", async () => {
    const sent: { documentId?: string; query?: string }[] = [];
    vi.stubGlobal("fetch", async (_path: string, init: { body: string }) => {
      const body = JSON.parse(init.body) as { documentId?: string; query?: string };
      sent.push(body);
      const answer = body.documentId
        ? { data: null, errors: [{ message: "no trusted document has the id", extensions: { code: "PERSISTED_DOCUMENT_NOT_FOUND" } }] }
        : { data: { me: { userId: "u" } } };
      return new Response(JSON.stringify(answer), { status: body.documentId ? 400 : 200 });
    });
    expect(await request(MeQuery)).toEqual({ me: { userId: "u" } });
    expect(sent.map((body) => Object.keys(body).sort())).toEqual([["documentId", "variables"], ["query", "variables"]]);
    expect(sent[1]!.query).toContain("query Me");
  });

  it("sends the text of a document without an id", () => {
    expect(documentFields("query { me { userId } }")).toEqual({ query: "query { me { userId } }" });
  });
});
