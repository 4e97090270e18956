// GraphQL documents in src/ are typed against the repository's schema.graphql at build time:
// a renamed or removed field fails `npm run build`, not a user's screen.
import type { CodegenConfig } from "@graphql-codegen/cli";

const config: CodegenConfig = {
  schema: "../schema.graphql",
  documents: ["src/**/*.ts", "!src/gql/**"],
  ignoreNoDocuments: false,
  generates: {
    "src/gql/": {
      preset: "client",
      config: {
        documentMode: "string",
        enumsAsTypes: true,
        useTypeImports: true,
        strictScalars: true,
        scalars: { Date: "string", DateTime: "string", ID: "string" },
      },
      // Each document also gets its SHA-256 (`__meta__.hash`), and src/gql/persisted-documents.json
      // maps each hash to its text: the API's trusted documents (graph_api/trusted_documents.py),
      // copied into dist/ by vite.config.ts. The explorer sends the hash, not the text.
      presetConfig: { fragmentMasking: false, persistedDocuments: { hashAlgorithm: "sha256" } },
    },
  },
};
export default config;
