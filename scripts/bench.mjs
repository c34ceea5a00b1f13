// `npm run bench`: runs every scripts/bench/*.mjs in turn (each prints its own Markdown section),
// on the built code in dist/. Figures go into docs/benchmarks.md by hand, with the machine line printed here.
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), "bench");
const only = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".mjs"))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

console.log(
  `Machine: ${os.cpus()[0]?.model ?? "unknown CPU"} × ${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ` +
    `Node ${process.version}, ${os.platform()} ${os.release()}\n`,
);
let failed = 0;
for (const file of files) {
  try {
    execFileSync(process.execPath, ["--expose-gc", path.join(dir, file)], { stdio: "inherit" });
  } catch {
    failed++;
    console.error(`bench ${file} failed`);
  }
}
process.exitCode = failed ? 1 : 0;
