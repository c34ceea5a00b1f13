// What the evaluation scripts share: where ../shared/eval-clustering is, skipping cleanly when it is
// absent, loading the built grouper modules, and reading JSON Lines.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const evalDir = path.resolve(
  process.env.EVAL_CLUSTERING_DIR ?? path.join(root, "..", "shared", "eval-clustering"),
);

/** Exits 0 with a message when `what` (a path under the labelled sets) is absent: CI without them passes. */
export function requireEvalData(script, what) {
  if (!existsSync(what)) {
    console.log(`${script}: skipped, no labelled sets at ${what}`);
    process.exit(0);
  }
}

/** Imports a module of the build (dist/src/…), or exits 2 asking for `npm run build`. */
export async function importBuilt(script, relative) {
  const built = path.join(root, "dist", "src", relative);
  if (!existsSync(built)) {
    console.error(`${script}: run \`npm run build\` first (dist/src/${relative} is missing)`);
    process.exit(2);
  }
  return import(pathToFileURL(built).href);
}

export function readJsonl(file) {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line));
}
