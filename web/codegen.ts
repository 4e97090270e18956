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
      presetConfig: { fragmentMasking: false },
    },
  },
};
export default config;
