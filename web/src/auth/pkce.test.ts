import { describe, expect, it } from "vitest";

import { authorizeUrl, base64url, codeChallenge, codeVerifier } from "./pkce";
import { tokenClaims } from "./session";

describe("PKCE", () => {
  it("computes the S256 challenge of RFC 7636's example", async () => {
    expect(await codeChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")).toBe("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
  });
  it("makes fresh 43-character verifiers", () => {
    const verifier = codeVerifier();
    expect(verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(codeVerifier()).not.toBe(verifier);
  });
  it("asks for a code with the S256 challenge", () => {
    const url = new URL(authorizeUrl({ authorizationEndpoint: "https://idp.example/auth", clientId: "explorer", redirectUri: "https://app.example/", scope: "openid", state: "s", challenge: "c" }));
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: "code", client_id: "explorer", redirect_uri: "https://app.example/", scope: "openid", state: "s", code_challenge: "c", code_challenge_method: "S256",
    });
  });
  it("encodes base64url without padding", () => {
    expect(base64url(new Uint8Array([251, 255]))).toBe("-_8");
  });
});

describe("tokenClaims", () => {
  it("reads a JWT's payload", () => {
    const payload = btoa(JSON.stringify({ sub: "alice", agency: "MET" })).replace(/=+$/, "");
    expect(tokenClaims(`x.${payload}.y`)).toEqual({ sub: "alice", agency: "MET" });
    expect(tokenClaims("nonsense")).toEqual({});
  });
});
