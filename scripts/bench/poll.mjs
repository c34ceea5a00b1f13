// Poll benchmark (`npm run bench -- poll`): 2,000 local feeds × 50 items served over HTTP on 127.0.0.1.
//   rss-parser alone: parseString over the same 2,000 bodies, sequentially (the reference, goal ≤ 1.3×);
//   HTTP alone: the same fetches through the same limits, bodies read but not parsed;
//   cold: the first cycle over an empty SQLite store with default settings, what a bot does when it
//         starts on a new store (fetch, decode, parse, item keys, state writes; first-poll items are
//         recorded, not emitted): against the reference, goal ≤ 1.3×;
//   cold with backfill 50: the same with every item also normalized and emitted (an opt-in setting);
//   warm: the next cycles, where every feed answers 304 to its ETag (goal ≤ 2 s);
//   parse: `newsdesk parse` of 1,000 small files in one child process.
// The feed server runs in a child process, so this process's CPU time (all its threads, parse workers
// included) is the poller's own: on a shared machine CPU time is the steadier figure, wall time the goal's.
// Prints a Markdown section; figures go into docs/benchmarks.md by hand.
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import RssParser from "rss-parser";

const loadBefore = loadavg();
const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "../..");
const dist = (p) => path.join(root, "dist/src", p);
const { Poller } = await import(dist("feeds/poller.js"));
const { openStore } = await import(dist("store/keyv-store.js"));
const { defaultSettings } = await import(dist("config/load.js"));
const { silentLogger } = await import(dist("log.js"));
const { fetchFeed, createHttpAgent } = await import(dist("feeds/http.js"));
const { FetchLimiter } = await import(dist("feeds/limits.js"));
const { ParsePool, defaultParseWorkers } = await import(dist("feeds/parse-pool.js"));

const FEEDS = Number(process.env.BENCH_FEEDS ?? 2000);
const ITEMS = 50;
const HOSTS = 50; // distinct ports = distinct hosts for the per-host limit
const now = Date.now();

const words =
  "chip wafer kernel model latency cache vector driver patch exploit sensor battery orbit photon lattice qubit compiler router firmware datacenter".split(
    " ",
  );
let seed = 42;
const rand = () => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
};
const sentence = (n) => Array.from({ length: n }, () => words[Math.floor(rand() * words.length)]).join(" ");

function feedBody(f) {
  const items = [];
  for (let i = 0; i < ITEMS; i++) {
    const paragraphs = Array.from(
      { length: 3 + Math.floor(rand() * 3) },
      () => `<p>${sentence(40)} <a href="/x/${i}">${sentence(3)}</a>.</p>`,
    ).join("");
    items.push(
      `<item><title>${sentence(8)} &amp; ${sentence(2)}</title>` +
        `<link>https://www.outlet${f % 300}.test/${f}/${i}?utm_source=rss</link>` +
        `<guid isPermaLink="false">feed-${f}-item-${i}</guid>` +
        `<pubDate>${new Date(now - (i + 1) * 600_000).toUTCString()}</pubDate>` +
        `<dc:creator>Writer ${i}</dc:creator>` +
        `<description><![CDATA[<img src="https://cdn.outlet${f % 300}.test/${i}.jpg">${paragraphs}]]></description>` +
        `<media:content url="https://cdn.outlet${f % 300}.test/${f}-${i}.jpg" medium="image"/>` +
        "</item>",
    );
  }
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/"><channel><title>Outlet ${f}</title><link>https://outlet${f}.test/</link><description>bench</description>${items.join("\n")}</channel></rss>`;
}

const dir = mkdtempSync(path.join(tmpdir(), "newsdesk-bench-poll-"));
const bodyDir = path.join(dir, "bodies");
mkdirSync(bodyDir);
const bodies = Array.from({ length: FEEDS }, (_, f) => Buffer.from(feedBody(f)));
for (const [f, b] of bodies.entries()) writeFileSync(path.join(bodyDir, `${f}.xml`), b);
const totalBytes = bodies.reduce((n, b) => n + b.byteLength, 0);

// --- server: a child process with HOSTS listeners; ETag per feed, 304 on a match ---
const serverCode = `
const { createServer } = require("node:http");
const { readFileSync } = require("node:fs");
const [dir, count, hosts] = process.argv.slice(1);
const bodies = Array.from({ length: Number(count) }, (_, f) => readFileSync(dir + "/" + f + ".xml"));
const handler = (req, res) => {
  const f = Number(req.url.split("/")[2]);
  const body = bodies[f];
  if (!body) return res.writeHead(404).end();
  const etag = '"f' + f + '"';
  if (req.headers["if-none-match"] === etag) return res.writeHead(304, { etag }).end();
  res.writeHead(200, { "content-type": "application/rss+xml", etag, "content-length": body.byteLength }).end(body);
};
const ports = [];
for (let i = 0; i < Number(hosts); i++) {
  const s = createServer(handler);
  s.listen(0, "127.0.0.1", () => {
    ports.push(s.address().port);
    if (ports.length === Number(hosts)) process.stdout.write(JSON.stringify(ports) + "\\n");
  });
}
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
`;
const server = spawn(process.execPath, ["-e", serverCode, bodyDir, String(FEEDS), String(HOSTS)], {
  stdio: ["pipe", "pipe", "inherit"],
});
const ports = await new Promise((resolve) => {
  let out = "";
  server.stdout.on("data", (d) => {
    out += d;
    if (out.includes("\n")) resolve(JSON.parse(out));
  });
});
const feeds = Array.from({ length: FEEDS }, (_, f) => ({
  id: `feed-${f}`,
  url: `http://127.0.0.1:${ports[f % HOSTS]}/feed/${f}`,
  topics: [],
  quality: 50,
  enabled: true,
}));

/**
 * Runs fn `runs` times; best wall ms and best CPU ms (user + system, all threads of this process), and
 * the first run's (`first`: the one that also compiles the code it runs).
 *
 * No forced GC before a run (there was one until 2026-12-04): on Node 20 (V8 11.3), right after a forced
 * full GC of this process's small heap (~20 MB live), V8 kept restarting incremental marking, ~35 full
 * GCs in one cold cycle against ~5 without it, ~1.3 s of CPU that a bot, which never forces a GC, does
 * not pay; the reference's time did not change either way (docs/benchmarks.md, "Poll").
 * BENCH_FORCE_GC=1 puts it back, to compare.
 */
const gc = () => (process.env.BENCH_FORCE_GC === "1" ? globalThis.gc?.() : undefined);
async function measure(runs, fn, before = async () => {}) {
  let wall = Number.POSITIVE_INFINITY;
  let cpu = Number.POSITIVE_INFINITY;
  let first;
  let last;
  for (let run = 0; run < runs; run++) {
    await before(run);
    gc();
    const c = process.cpuUsage();
    const t = performance.now();
    last = await fn(run);
    wall = Math.min(wall, Math.round(performance.now() - t));
    const used = process.cpuUsage(c);
    cpu = Math.min(cpu, Math.round((used.user + used.system) / 1000));
    first ??= { wall, cpu };
  }
  return { wall, cpu, first, last };
}

// --- reference: rss-parser alone over the same bodies ---
const reference = new RssParser();
const ref = await measure(3, async () => {
  let items = 0;
  for (const body of bodies) items += (await reference.parseString(body.toString("utf8"))).items.length;
  return items;
});

// --- HTTP alone ---
const poll = defaultSettings().poll;
const http = await measure(2, async () => {
  const agent = createHttpAgent({ connectTimeoutMs: poll.connectTimeout, connections: poll.perHost });
  const limiter = new FetchLimiter(poll.concurrency, poll.perHost);
  await Promise.all(
    feeds.map((f) =>
      limiter.run(f.url, () =>
        fetchFeed(f.url, { timeoutMs: poll.timeout, maxBytes: poll.maxBytes, maxRedirects: 5, dispatcher: agent }),
      ),
    ),
  );
  await agent.close();
});

// --- cold (first cycle, fresh SQLite store) and warm (all 304) cycles ---
let settings = { ...poll, backfill: ITEMS, maxItemAge: 30 * 86_400_000, interval: 60_000 };
let clock = now;
let poller;
let store;
// Every cold run needs a new poller over an empty store, but they share one parse pool: a bot's poller
// and its workers live for the whole process, and the reference too is the best of runs whose code is
// already compiled. The first cold run (workers starting and compiling) is printed on its own line.
const parsePool = new ParsePool(
  process.env.BENCH_PARSE_WORKERS ? Number(process.env.BENCH_PARSE_WORKERS) : defaultParseWorkers(),
  [],
);
const open = async (run) => {
  await poller?.close();
  await store?.close();
  store = await openStore(`sqlite://${path.join(dir, `state-${run}.sqlite`)}`);
  clock = now;
  poller = new Poller({
    store,
    feeds,
    topics: [],
    settings,
    logger: silentLogger,
    now: () => new Date(clock),
    parsePool,
  });
};
// Default settings first (backfill 0): a first poll records item keys and emits nothing, so it skips normalizing.
const defaultSettingsPoll = settings;
settings = { ...poll, maxItemAge: 30 * 86_400_000, interval: 60_000 };
const coldDefault = await measure(
  3,
  () => poller.runCycle(),
  (run) => open(`default-${run}`),
);
settings = defaultSettingsPoll;
const heapBefore = process.memoryUsage().heapUsed;
const cold = await measure(2, () => poller.runCycle(), open);
const coldHeapMb = Math.round((process.memoryUsage().heapUsed - heapBefore) / 2 ** 20);
const warm = await measure(
  3,
  () => poller.runCycle(),
  async () => {
    clock += 120_000; // every feed is due again
  },
);
await poller.close();
await parsePool.close();
await store.close();
server.stdin.end();
await new Promise((r) => server.once("exit", r));
const coldFailed = cold.last.results.filter((r) => r.outcome === "failed").length;
const warm304 = warm.last.results.filter((r) => r.outcome === "not_modified").length;

// --- newsdesk parse over 1,000 small files ---
const files = [];
for (let f = 0; f < 1000; f++) {
  const file = path.join(dir, `small-${f}.xml`);
  const items = Array.from(
    { length: 5 },
    (_, i) =>
      `<item><title>${sentence(6)}</title><link>https://small${f}.test/${i}</link><guid>${f}-${i}</guid><description>${sentence(30)}</description></item>`,
  ).join("");
  writeFileSync(
    file,
    `<?xml version="1.0"?><rss version="2.0"><channel><title>Small ${f}</title><link>https://small${f}.test/</link>${items}</channel></rss>`,
  );
  files.push(file);
}
const t = performance.now();
const out = execFileSync(process.execPath, [dist("cli.js"), "parse", ...files], { maxBuffer: 256 * 2 ** 20 });
const parseCliMs = Math.round(performance.now() - t);
const parseCliLines = out.toString().split("\n").filter(Boolean).length;
rmSync(dir, { recursive: true, force: true });

const n = (x) => x.toLocaleString("en");
const load = (l) => l.map((x) => x.toFixed(2)).join(" ");
const ratio = (a, b) => (a / b).toFixed(2);
console.log(`## Poll

${n(FEEDS)} local feeds × ${ITEMS} items (${(totalBytes / 2 ** 20).toFixed(0)} MiB of RSS, ~${Math.round(totalBytes / FEEDS / ITEMS)} bytes per item with HTML descriptions), served on 127.0.0.1 by ${HOSTS} listeners (hosts) in a child process; SQLite store; default limits (concurrency ${settings.concurrency}, ${settings.perHost} per host); best of 3 (reference), 2 (HTTP), 3 (default cold), 2 (cold with backfill) and 3 (warm) runs; each cold run is a new poller over an empty store, all sharing one parse pool. CPU = user + system time of the benchmark process, all threads. Load average (1, 5, 15 min) ${load(loadBefore)} before, ${load(loadavg())} after.

| measure | wall | CPU | goal |
| --- | --- | --- | --- |
| rss-parser alone, parseString over the same bodies (${n(ref.last)} items) | ${n(ref.wall)} ms | ${n(ref.cpu)} ms | reference |
| HTTP alone: the same fetches through the same limits, not parsed | ${n(http.wall)} ms | ${n(http.cpu)} ms | |
| cold cycle: the first poll over an empty store with default settings (fetch, decode, parse, item keys and state; items recorded, none emitted) | ${n(coldDefault.wall)} ms | ${n(coldDefault.cpu)} ms | |
| cold cycle / rss-parser alone | ${ratio(coldDefault.wall, ref.wall)}× | ${ratio(coldDefault.cpu, ref.cpu)}× | ≤ 1.3× |
| … its first run, the parse worker starting and compiling | ${n(coldDefault.first.wall)} ms (${ratio(coldDefault.first.wall, ref.wall)}×) | ${n(coldDefault.first.cpu)} ms | |
| cold cycle with the opt-in backfill of 50 per feed: every item also normalized and emitted; ${n(cold.last.articles.length)} articles, ${coldFailed} failed, heap +${coldHeapMb} MiB | ${n(cold.wall)} ms | ${n(cold.cpu)} ms | |
| cold cycle with backfill / rss-parser alone | ${ratio(cold.wall, ref.wall)}× | ${ratio(cold.cpu, ref.cpu)}× | |
| warm cycle: all ${warm304} feeds answer 304 | ${n(warm.wall)} ms | ${n(warm.cpu)} ms | ≤ 2,000 ms |
| \`newsdesk parse\` of 1,000 small files (5 items each), child process | ${n(parseCliMs)} ms (${n(parseCliLines)} lines) | | seconds |
`);
