// Poll benchmark (`npm run bench -- poll`): 2,000 local feeds × 50 items served over HTTP on 127.0.0.1.
//   cold: the first cycle over an empty SQLite store, with backfill 50 so every item is normalized and
//         emitted (the full path: fetch, decode, parse, normalize, dedup keys, state writes);
//   rss-parser alone: parseString over the same 2,000 bodies, sequentially (the reference, goal ≤ 1.3×);
//   warm: the next cycle, where every feed answers 304 to its ETag (goal ≤ 2 s);
//   parse: `newsdesk parse` of 1,000 small files in one child process.
// Prints a Markdown section; figures go into docs/benchmarks.md by hand.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import RssParser from "rss-parser";

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "../..");
const dist = (p) => path.join(root, "dist/src", p);
const { Poller } = await import(dist("feeds/poller.js"));
const { openStore } = await import(dist("store/keyv-store.js"));
const { defaultSettings } = await import(dist("config/load.js"));
const { silentLogger } = await import(dist("log.js"));
const { fetchFeed, createHttpAgent } = await import(dist("feeds/http.js"));
const { FetchLimiter } = await import(dist("feeds/limits.js"));

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

const bodies = Array.from({ length: FEEDS }, (_, f) => Buffer.from(feedBody(f)));
const totalBytes = bodies.reduce((n, b) => n + b.byteLength, 0);

// --- server: a worker thread (its CPU is not the poller's), HOSTS listeners; ETag per feed, 304 on a match ---
const serverCode = `
const { createServer } = require("node:http");
const { parentPort, workerData } = require("node:worker_threads");
const bodies = workerData.bodies.map((b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength));
const handler = (req, res) => {
  const f = Number(req.url.split("/")[2]);
  const body = bodies[f];
  if (!body) return res.writeHead(404).end();
  const etag = '"f' + f + '"';
  if (req.headers["if-none-match"] === etag) return res.writeHead(304, { etag }).end();
  res.writeHead(200, { "content-type": "application/rss+xml", etag, "content-length": body.byteLength }).end(body);
};
const servers = [];
let ready = 0;
for (let i = 0; i < workerData.hosts; i++) {
  const s = createServer(handler);
  servers.push(s);
  s.listen(0, "127.0.0.1", () => {
    if (++ready === workerData.hosts) parentPort.postMessage(servers.map((x) => x.address().port));
  });
}
parentPort.on("message", () => { for (const s of servers) { s.closeAllConnections(); s.close(); } parentPort.close(); });
`;
const worker = new Worker(serverCode, { eval: true, workerData: { bodies, hosts: HOSTS } });
const ports = await new Promise((resolve) => worker.once("message", resolve));
const feeds = Array.from({ length: FEEDS }, (_, f) => ({
  id: `feed-${f}`,
  url: `http://127.0.0.1:${ports[f % HOSTS]}/feed/${f}`,
  topics: [],
  quality: 50,
  enabled: true,
}));

const gc = () => globalThis.gc?.();
const ms = (t) => Math.round(performance.now() - t);

// --- reference: rss-parser alone over the same bodies (best of 3; the machine may be shared) ---
const reference = new RssParser();
let parseOnlyMs = Number.POSITIVE_INFINITY;
let refItems = 0;
for (let run = 0; run < 3; run++) {
  gc();
  refItems = 0;
  const t = performance.now();
  for (const body of bodies) refItems += (await reference.parseString(body.toString("utf8"))).items.length;
  parseOnlyMs = Math.min(parseOnlyMs, ms(t));
}

// --- HTTP alone: the same fetches through the same limits, bodies read but not parsed (best of 2) ---
let fetchOnlyMs = Number.POSITIVE_INFINITY;
{
  const poll = defaultSettings().poll;
  for (let run = 0; run < 2; run++) {
    const agent = createHttpAgent({ connectTimeoutMs: poll.connectTimeout, connections: poll.perHost });
    const limiter = new FetchLimiter(poll.concurrency, poll.perHost);
    gc();
    const t = performance.now();
    await Promise.all(
      feeds.map((f) =>
        limiter.run(f.url, () =>
          fetchFeed(f.url, { timeoutMs: poll.timeout, maxBytes: poll.maxBytes, maxRedirects: 5, dispatcher: agent }),
        ),
      ),
    );
    fetchOnlyMs = Math.min(fetchOnlyMs, ms(t));
    await agent.close();
  }
}

// --- cold (first cycle, fresh SQLite store) and warm (all 304) cycles; best of 2 fresh stores ---
const dir = mkdtempSync(path.join(tmpdir(), "newsdesk-bench-poll-"));
const settings = { ...defaultSettings().poll, backfill: ITEMS, maxItemAge: 30 * 86_400_000, interval: 60_000 };
let coldMs = Number.POSITIVE_INFINITY;
let warmMs = Number.POSITIVE_INFINITY;
let cold;
let warm304 = 0;
let coldHeapMb = 0;
for (let run = 0; run < 2; run++) {
  const store = await openStore(`sqlite://${path.join(dir, `state-${run}.sqlite`)}`);
  let clock = now;
  const poller = new Poller({
    store,
    feeds,
    topics: [],
    settings,
    logger: silentLogger,
    now: () => new Date(clock),
    ...(process.env.BENCH_PARSE_WORKERS ? { parseWorkers: Number(process.env.BENCH_PARSE_WORKERS) } : {}),
  });
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  let t = performance.now();
  cold = await poller.runCycle();
  coldMs = Math.min(coldMs, ms(t));
  coldHeapMb = Math.max(coldHeapMb, Math.round((process.memoryUsage().heapUsed - heapBefore) / 2 ** 20));
  for (let w = 0; w < 2; w++) {
    clock += 120_000; // every feed is due again
    gc();
    t = performance.now();
    const warm = await poller.runCycle();
    warmMs = Math.min(warmMs, ms(t));
    warm304 = warm.results.filter((r) => r.outcome === "not_modified").length;
  }
  await poller.close();
  await store.close();
}
const coldFailed = cold.results.filter((r) => r.outcome === "failed").length;
worker.postMessage("stop");
await new Promise((r) => worker.once("exit", r));

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
const parseCliMs = ms(t);
const parseCliLines = out.toString().split("\n").filter(Boolean).length;
rmSync(dir, { recursive: true, force: true });

const ratio = coldMs / parseOnlyMs;
console.log(`## Poll

${FEEDS.toLocaleString("en")} local feeds × ${ITEMS} items (${(totalBytes / 2 ** 20).toFixed(0)} MiB of RSS, ~${Math.round(totalBytes / FEEDS / ITEMS)} bytes per item with HTML descriptions), served on 127.0.0.1 by ${HOSTS} listeners (hosts) in a worker thread; SQLite store; best of 3 (reference), 2 (cold) and 4 (warm) runs; default limits (concurrency ${settings.concurrency}, ${settings.perHost} per host).

| measure | result | goal |
| --- | --- | --- |
| rss-parser alone, parseString over the same bodies | ${parseOnlyMs} ms (${refItems.toLocaleString("en")} items) | reference |
| HTTP alone: the same 2,000 fetches, bodies read, not parsed | ${fetchOnlyMs} ms | (part of cold) |
| cold cycle: fetch + decode + parse + normalize + state, every item emitted | ${coldMs} ms (${cold.articles.length.toLocaleString("en")} articles, ${coldFailed} failed), heap +${coldHeapMb} MiB | |
| cold / rss-parser alone | ${ratio.toFixed(2)}× | ≤ 1.3× ${ratio <= 1.3 ? "✅" : "❌"} |
| warm cycle: every feed answers 304 | ${warmMs} ms (${warm304} × 304) | ≤ 2,000 ms ${warmMs <= 2000 ? "✅" : "❌"} |
| \`newsdesk parse\` of 1,000 small files (child process, 5 items each) | ${parseCliMs} ms (${parseCliLines} lines) | seconds |
`);
