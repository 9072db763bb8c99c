#!/usr/bin/env node
// Fails when web/openapi.json or src/api/schema.d.ts no longer matches the server's API.
// It rebuilds both into a temp dir (schema from the app, types from that schema) and compares.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const web = resolve(fileURLToPath(import.meta.url), "../..");
const python = resolve(web, "../.venv/bin/python");
const generator = resolve(web, "node_modules/.bin/openapi-typescript");
const committed = { schema: join(web, "openapi.json"), types: join(web, "src/api/schema.d.ts") };

const read = (path) => {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
};

const temp = mkdtempSync(join(tmpdir(), "deckchat-client-"));
try {
  const fresh = { schema: join(temp, "openapi.json"), types: join(temp, "schema.d.ts") };
  const run = (cmd, args) => execFileSync(cmd, args, { cwd: web, stdio: ["ignore", "ignore", "inherit"] });
  run(python, [resolve(web, "../scripts/openapi.py"), fresh.schema]);
  run(generator, [fresh.schema, "-o", fresh.types, "--silent"]);
  const stale = Object.keys(committed).filter((key) => read(committed[key]) !== read(fresh[key]));
  if (stale.length > 0) {
    for (const key of stale) console.error(`stale: ${committed[key]}`);
    console.error("API client is stale: run `npm --prefix web run gen`");
    process.exitCode = 1;
  } else {
    console.log("API client is up to date.");
  }
} finally {
  rmSync(temp, { recursive: true, force: true });
}
