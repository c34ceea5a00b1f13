#!/usr/bin/env node
// Scores the story grouper on the public labelled sets in ../shared/eval-clustering (see its README):
// runs the built grouper (dist/, `npm run build` first) over each set in stream order, writes the
// predictions to a temp dir, runs the shared scorer on them and prints a table.
//
//   node scripts/eval-grouping.mjs                       # both sets, default options
//   node scripts/eval-grouping.mjs --params '{"threshold":0.3}'
//   node scripts/eval-grouping.mjs --grid '{"threshold":[0.25,0.3],"titleWeight":[2,3]}'   # tuning sweep
//   node scripts/eval-grouping.mjs --explain 5           # worst merges and splits per set
//   node scripts/eval-grouping.mjs --dump /tmp/preds     # also keep each set's predictions (and the fixture's) there
//
// Skips with a message (exit 0) when the shared folder is absent.
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { evalDir, importBuilt, readJsonl, requireEvalData, root } from "./eval-common.mjs";

const DATASETS = ["ecbplus", "uci-news-2014"];

const { values: args } = parseArgs({
  options: {
    params: { type: "string", default: "{}" },
    grid: { type: "string" },
    explain: { type: "string" },
    datasets: { type: "string", default: DATASETS.join(",") },
    dump: { type: "string" },
  },
});

requireEvalData("eval-grouping", path.join(evalDir, "score.mjs"));
const { Grouper } = await importBuilt("eval-grouping", "stories/grouper.js");

const sets = args.datasets.split(",").map((name) => {
  const dir = path.join(evalDir, "datasets", name);
  return { name, dir, input: readJsonl(path.join(dir, "input.jsonl")) };
});

/** The grouper's prediction for each article of a set, in stream order. */
function predict(input, params) {
  const grouper = new Grouper(params);
  return input.map((row) => {
    const placed = grouper.add({
      id: String(row.id),
      title: row.title ?? "",
      excerpt: row.excerpt ?? "",
      url: row.url ?? undefined,
      publishedAt: Date.parse(row.publishedAt),
      keys: row.url ? [`url:${row.url}`] : [],
    });
    return { id: row.id, story: placed.story };
  });
}

const pct = (x) => (100 * x).toFixed(1);

/** Item-averaged B-cubed (same definition as the shared scorer and test/stories/helpers.ts). */
function bcubed(gold, pred) {
  const cell = new Map();
  const goldSize = new Map();
  const predSize = new Map();
  for (const [id, g] of gold) {
    const p = pred.get(id) ?? `missing:${id}`;
    const key = `${g}\u0000${p}`;
    cell.set(key, (cell.get(key) ?? 0) + 1);
    goldSize.set(g, (goldSize.get(g) ?? 0) + 1);
    predSize.set(p, (predSize.get(p) ?? 0) + 1);
  }
  let p = 0;
  let r = 0;
  for (const [key, n] of cell) {
    const [g, q] = key.split("\u0000");
    p += (n * n) / predSize.get(q);
    r += (n * n) / goldSize.get(g);
  }
  p /= gold.size;
  r /= gold.size;
  return { p, r, f1: (2 * p * r) / (p + r) };
}

if (args.grid) {
  // Sweep: every combination of the listed values, scored in-process with the shared scorer's function.
  const { scoreClustering, loadGold } = await import(pathToFileURL(path.join(evalDir, "score.mjs")).href);
  const golds = new Map(sets.map((s) => [s.name, loadGold(path.join(s.dir, "gold.jsonl"))]));
  const grid = Object.entries(JSON.parse(args.grid));
  const base = JSON.parse(args.params);
  const combos = grid.reduce(
    (acc, [key, values]) => acc.flatMap((c) => values.map((v) => ({ ...c, [key]: v }))),
    [base],
  );
  console.log(`| params | ${sets.map((s) => `${s.name} P / R / F1`).join(" | ")} | mean F1 |`);
  for (const params of combos) {
    const f1s = [];
    const cells = sets.map((s) => {
      const pred = new Map(predict(s.input, params).map((r) => [String(r.id), String(r.story)]));
      const b = scoreClustering(golds.get(s.name), pred).bcubed;
      f1s.push(b.f1);
      return `${pct(b.p)} / ${pct(b.r)} / **${pct(b.f1)}**`;
    });
    const shown = Object.fromEntries(grid.map(([k]) => [k, params[k]]));
    console.log(
      `| ${JSON.stringify(shown)} | ${cells.join(" | ")} | ${pct(f1s.reduce((a, b) => a + b, 0) / f1s.length)} |`,
    );
  }
  process.exit(0);
}

const tmp = mkdtempSync(path.join(os.tmpdir(), "newsdesk-eval-"));
try {
  const params = JSON.parse(args.params);
  console.log(`## Grouping quality (B-cubed, shared scorer)\n\nparams: ${JSON.stringify(params)}\n`);
  console.log("| set | articles | stories predicted | B-cubed P | B-cubed R | B-cubed F1 |");
  console.log("|---|---:|---:|---:|---:|---:|");
  const reports = [];
  for (const s of sets) {
    const rows = predict(s.input, params);
    const predFile = path.join(tmp, `${s.name}.pred.jsonl`);
    writeFileSync(predFile, `${rows.map((r) => JSON.stringify(r)).join("\n")}\n`);
    const scorerArgs = [path.join(evalDir, "score.mjs"), "--dataset", s.name, "--pred", predFile, "--json"];
    const score = JSON.parse(execFileSync(process.execPath, scorerArgs, { encoding: "utf8" }));
    if (args.dump) {
      // Kept so a change meant to be output-neutral (a speed-up) can be diffed against the predictions before it.
      mkdirSync(args.dump, { recursive: true });
      copyFileSync(predFile, path.join(args.dump, `${s.name}.pred.jsonl`));
    }
    const b = score.bcubed;
    console.log(
      `| ${s.name} | ${score.articles} | ${score.predClusters} | ${pct(b.p)} | ${pct(b.r)} | **${pct(b.f1)}** |`,
    );
    if (args.explain) {
      const explainArgs = [path.join(evalDir, "score.mjs"), "--dataset", s.name, "--pred", predFile];
      reports.push(
        `### ${s.name}\n${execFileSync(process.execPath, [...explainArgs, "--explain", args.explain], { encoding: "utf8" })}`,
      );
    }
  }
  // The project's own labelled fixture (no shared scorer gold file): B-cubed computed here.
  const fixture = readJsonl(path.join(root, "test", "fixtures", "stories", "articles.jsonl"));
  const fixtureRows = predict(fixture, params);
  if (args.dump) {
    mkdirSync(args.dump, { recursive: true });
    writeFileSync(
      path.join(args.dump, "fixture.pred.jsonl"),
      `${fixtureRows.map((r) => JSON.stringify(r)).join("\n")}\n`,
    );
  }
  const pred = new Map(fixtureRows.map((r) => [String(r.id), String(r.story)]));
  const b = bcubed(new Map(fixture.map((r) => [String(r.id), String(r.story)])), pred);
  console.log(
    `| project fixture | ${fixture.length} | ${new Set(pred.values()).size} | ${pct(b.p)} | ${pct(b.r)} | **${pct(b.f1)}** |`,
  );
  for (const r of reports) console.log(`\n${r}`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
