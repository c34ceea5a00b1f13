// `node scripts/bench-compare.mjs REV NAME [--runs N]`: runs benchmark NAME (a scripts/bench/*.mjs whose
// file name contains NAME) on the code of git revision REV and on the working tree, alternately (REV, tree,
// REV, tree, …), and prints every table row of the benchmark's output with the figures of each run side by
// side and their median.
//
// Why alternate: on a shared or virtual machine the same code runs ±15–30% apart from one minute to the
// next (other tenants, clock speed), more than most changes gain. Interleaved runs see the same
// conditions on average, so the comparison holds where two separate series would not.
//
// REV is checked out once into a temporary git worktree (removed at the end) that shares this tree's
// node_modules; both sides are built with the project's build config first.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const { values, positionals } = parseArgs({
  options: { runs: { type: "string", default: "3" }, help: { type: "boolean", short: "h" } },
  allowPositionals: true,
});
const usage =
  "usage: node scripts/bench-compare.mjs REV NAME [--runs N]   (NAME: part of a scripts/bench/*.mjs file name)";
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const [rev, name] = positionals;
const runs = Number(values.runs);
if (!rev || !name || positionals.length > 2 || !Number.isInteger(runs) || runs < 1) {
  console.error(usage);
  process.exit(2);
}
const benches = readdirSync(path.join(root, "scripts", "bench")).filter((f) => f.endsWith(".mjs") && f.includes(name));
if (benches.length !== 1) {
  console.error(
    `bench-compare: "${name}" names ${benches.length} benchmarks (${benches.join(", ") || "none"}); name one`,
  );
  process.exit(2);
}
const bench = benches[0];

const git = (...args) => execFileSync("git", args, { cwd: root, encoding: "utf8" }).trim();
let commit;
try {
  commit = git("rev-parse", "--verify", `${rev}^{commit}`);
} catch {
  console.error(`bench-compare: "${rev}" is not a revision of this repository`);
  process.exit(2);
}

const base = path.join(mkdtempSync(path.join(os.tmpdir(), "newsdesk-bench-compare-")), "tree");
git("worktree", "add", "--detach", base, commit);
try {
  symlinkSync(path.join(root, "node_modules"), path.join(base, "node_modules"), "dir");
  const build = (dir) =>
    execFileSync(process.execPath, [path.join(root, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json"], {
      cwd: dir,
      stdio: "inherit",
    });
  build(base);
  build(root);

  const sides = [
    { label: `${rev} (${commit.slice(0, 7)})`, dir: base, rows: new Map() },
    { label: "working tree", dir: root, rows: new Map() },
  ];
  /** Each row's first cell as the first run printed it. */
  const names = new Map();
  for (let run = 1; run <= runs; run++) {
    for (const side of sides) {
      process.stderr.write(`run ${run}/${runs}: ${side.label}\n`);
      const out = execFileSync(process.execPath, ["--expose-gc", path.join(side.dir, "scripts", "bench", bench)], {
        cwd: side.dir,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "inherit"],
      });
      for (const [key, shown, cells] of tableRows(out)) {
        if (!names.has(key)) names.set(key, shown);
        if (!side.rows.has(key)) side.rows.set(key, []);
        side.rows.get(key).push(cells);
      }
    }
  }

  console.log(`## ${bench}: ${sides[0].label} against the ${sides[1].label}, ${runs} interleaved runs each\n`);
  console.log(
    `Load average before the last run: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}\n`,
  );
  console.log(`| row | column | ${sides[0].label}: runs (median) | ${sides[1].label}: runs (median) |`);
  console.log("|---|---|---|---|");
  for (const [key, before] of sides[0].rows) {
    const after = sides[1].rows.get(key) ?? [];
    const columns = Math.max(...before.map((c) => c.length));
    for (let c = 0; c < columns; c++) {
      const a = before.map((cells) => cells[c] ?? "");
      const b = after.map((cells) => cells[c] ?? "");
      if (a.every((x) => parseNumber(x) === null) && b.every((x) => parseNumber(x) === null)) continue;
      console.log(`| ${names.get(key)} | ${c + 1} | ${summary(a)} | ${summary(b)} |`);
    }
  }
} finally {
  git("worktree", "remove", "--force", base);
  rmSync(path.dirname(base), { recursive: true, force: true });
}

/**
 * Markdown table rows of a benchmark's output, as [key, first cell, other cells] (header and rule rows skipped). A
 * row's first cell may carry figures of its own ("…, heap +265 MiB"), so the key is that cell with its
 * numbers blanked, numbered when several rows share it ("# (2)" for the second checkpoint row).
 */
function tableRows(text) {
  const rows = [];
  const seen = new Map();
  for (const line of text.split("\n")) {
    if (!line.startsWith("|") || /^\|[\s:|-]+\|$/.test(line)) continue;
    const cells = line
      .slice(1, line.endsWith("|") ? -1 : undefined)
      .split("|")
      .map((c) => c.trim());
    const [first, ...rest] = cells;
    if (!rest.some((c) => parseNumber(c) !== null)) continue;
    const shape = first.replace(/-?\d[\d,]*(?:\.\d+)?/g, "#");
    const count = (seen.get(shape) ?? 0) + 1;
    seen.set(shape, count);
    rows.push([count === 1 ? shape : `${shape} (${count})`, first, rest]);
  }
  return rows;
}

/** The first number of a cell ("3,190 ms", "2.31×", "**905**"), or null. */
function parseNumber(cell) {
  const match = /-?\d[\d,]*(?:\.\d+)?/.exec(cell.replace(/\*/g, ""));
  return match ? Number(match[0].replace(/,/g, "")) : null;
}

function summary(cells) {
  const numbers = cells.map(parseNumber).filter((n) => n !== null);
  if (numbers.length === 0) return cells.join(" / ");
  const sorted = [...numbers].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return `${numbers.map((n) => n.toLocaleString("en")).join(", ")} (**${median.toLocaleString("en")}**)`;
}
