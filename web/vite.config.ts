/// <reference types="vitest" />
// Three pages, every asset bundled locally (no CDN at run time): the explorer, GraphiQL and
// the API docs. The API serves dist/ (graph_api/web.py).
import { resolve } from "node:path";
import { defineConfig } from "vite";

export default defineConfig({
  base: "/",
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
