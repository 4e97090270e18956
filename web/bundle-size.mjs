// Bundle size of each page, as a browser first loads it (gzip -9), from dist/: `npm run size`.
import { readFileSync, readdirSync } from "node:fs";
import { gzipSync } from "node:zlib";

const assets = (page) => new Set(readFileSync(`dist/${page}`, "utf8").match(/assets\/[^"]+/g) ?? []);
const size = (files, zip) =>
  [...files].reduce((sum, file) => {
    const bytes = readFileSync(`dist/${file}`);
    return sum + (zip ? gzipSync(bytes, { level: 9 }).length : bytes.length);
  }, 0);
const kib = (bytes) => `${Math.round(bytes / 1024)} KiB`;

const pages = { explorer: assets("index.html"), graphiql: assets("graphiql.html"), docs: assets("docs.html") };
const loaded = new Set(Object.values(pages).flatMap((files) => [...files]));
const lazy = readdirSync("dist/assets").map((name) => `assets/${name}`).filter((file) => !loaded.has(file));
pages["graphiql (with its editor chunks, loaded on use)"] = new Set([...pages.graphiql, ...lazy]);
for (const [name, files] of Object.entries(pages)) {
  console.log(`${name}: ${kib(size(files, true))} gzip (${kib(size(files, false))} raw)`);
}
