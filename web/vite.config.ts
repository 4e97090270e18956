/// <reference types="vitest" />
// Three pages, every asset bundled locally (no CDN at run time): the explorer, GraphiQL and
// the API docs. The API serves dist/ (graph_api/web.py).
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { defineConfig, type Plugin } from "vite";

/** The explorer's documents by hash (graphql-codegen), as dist/trusted-documents.json: the API
 * loads them as its trusted documents, takes them by id and plans them before it is ready. */
function trustedDocuments(): Plugin {
  return {
    name: "trusted-documents",
    apply: "build",
    generateBundle() {
      this.emitFile({
        type: "asset",
        fileName: "trusted-documents.json",
        source: readFileSync(resolve(__dirname, "src/gql/persisted-documents.json"), "utf-8"),
      });
    },
  };
}

export default defineConfig({
  base: "/",
  plugins: [trustedDocuments()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 4000,
    rollupOptions: {
      // GraphiQL's Radix UI modules say "use client" (a React Server Components hint that means
      // nothing in a browser bundle); Rollup warns about each one.
      onwarn(warning, warn) {
        if (warning.code !== "MODULE_LEVEL_DIRECTIVE") warn(warning);
      },
      input: {
        index: resolve(__dirname, "index.html"),
        graphiql: resolve(__dirname, "graphiql.html"),
        docs: resolve(__dirname, "docs.html"),
      },
    },
  },
  server: { proxy: { "/graphql": "http://127.0.0.1:8000", "/dev": "http://127.0.0.1:8000", "/photos": "http://127.0.0.1:8000" } },
  test: { include: ["src/**/*.test.ts"], environment: "node" },
});
