// Store benchmark (`npm run bench -- store`): the same workload on each backend through openStore (dist/),
// with 10 collections sharing the backend's connection as the bot does:
//   set / get: 5,000 single-key writes and reads, 64 in flight;
//   getMany: 5,000 keys in batches of 100;
//   add: 2,000 adds of fresh keys, 64 in flight; then 4 stores (separate connections) racing 250 adds each
//        over 50 keys, which must give exactly 50 winners;
//   entries: listing one collection of 5,000 entries; purge: deleting 2,000 expired rows;
//   connections: what the server (or /proc for SQLite) shows while 10 collections are busy.
// Redis and PostgreSQL from NEWSDESK_TEST_REDIS_URL / NEWSDESK_TEST_POSTGRES_URL (defaults: 127.0.0.1);
// a backend that cannot be reached is reported and skipped. Prints a Markdown section.
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "../..");
const dist = (p) => path.join(root, "dist/src", p);
const { openStore } = await import(dist("store/keyv-store.js"));
const { loadPg } = await import(dist("store/backends/postgres.js"));
const { createClient } = await import("@keyv/redis");

const REDIS_URL = process.env.NEWSDESK_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const POSTGRES_URL = process.env.NEWSDESK_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const id = randomBytes(4).toString("hex");
const prefix = `ndbench-${id}`;
const clientName = `ndbench-${id}`;
const schema = `ndbench_${id}`;
const dir = mkdtempSync(path.join(tmpdir(), "newsdesk-bench-store-"));
const sqliteFile = path.join(dir, "bench.sqlite");
const pgUrl = new URL(POSTGRES_URL);
pgUrl.searchParams.set("schema", schema);

const COLLECTIONS = 10;
const N = 5_000;
const IN_FLIGHT = 64;

async function inParallel(count, task) {
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, count) }, worker));
}
async function timed(fn) {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}
const perSecond = (count, ms) => Math.round((count / ms) * 1000).toLocaleString("en-US");

async function redisConnections() {
  const admin = createClient({ url: REDIS_URL, socket: { reconnectStrategy: false } });
  admin.on("error", () => {});
  await admin.connect();
  try {
    const list = String(await admin.sendCommand(["CLIENT", "LIST"]));
    return list.split("\n").filter((l) => l.includes(` name=${clientName} `)).length;
  } finally {
    await admin.close();
  }
}
async function withPg(fn) {
  const { Pool } = loadPg();
  const pool = new Pool({ connectionString: POSTGRES_URL, max: 1, connectionTimeoutMillis: 2000 });
  pool.on("error", () => {});
  try {
    return await fn((sql) => pool.query(sql).then((r) => r.rows));
  } finally {
    await pool.end();
  }
}
const pgConnections = () =>
  withPg(
    async (q) =>
      (await q(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = '${clientName}'`))[0].n,
  );
const sqliteHandles = () =>
  readdirSync("/proc/self/fd").filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === sqliteFile;
    } catch {
      return false;
    }
  }).length;

const backends = [
  { name: "memory", url: "memory:", connections: async () => "–", shared: false },
  {
    name: "SQLite (file, WAL)",
    url: `sqlite://${sqliteFile}`,
    connections: async () => `${sqliteHandles()} file handle`,
    shared: true,
  },
  { name: "Redis", url: REDIS_URL, connections: async () => `${await redisConnections()} connection`, shared: true },
  {
    name: "PostgreSQL",
    url: pgUrl.toString(),
    connections: async () => `${await pgConnections()} (pool max 5)`,
    shared: true,
  },
];

const open = (url) => openStore(url, { prefix, clientName, purgeIntervalMs: 0, connectTimeoutMs: 2000 });
const rows = [];
const notes = [];

for (const b of backends) {
  let store;
  try {
    store = await open(b.url);
    await store.ping();
  } catch (err) {
    notes.push(`${b.name}: skipped (${err.message})`);
    await store?.close();
    continue;
  }
  const cols = Array.from({ length: COLLECTIONS }, (_, i) => store.collection(`bench${i}`));
  const value = (i) => ({ id: i, title: `story ${i} about chips and kernels`, tags: ["ai", "hardware"], score: i / 7 });
  const col = (i) => cols[i % COLLECTIONS];
  const key = (i) => `item-${i}`;

  const setMs = await timed(() => inParallel(N, (i) => col(i).set(key(i), value(i))));
  let connections = await b.connections();
  const getMs = await timed(() => inParallel(N, (i) => col(i).get(key(i))));
  const batches = Array.from({ length: N / 100 }, (_, b) => Array.from({ length: 100 }, (_, j) => key(b * 100 + j)));
  const getManyMs = await timed(() => inParallel(batches.length, (i) => cols[0].getMany(batches[i])));
  const addMs = await timed(() => inParallel(2_000, (i) => col(i).add(`fresh-${i}`, value(i))));

  // Contention: separate stores (separate connections) racing for the same 50 keys.
  const racers = b.shared ? await Promise.all(Array.from({ length: 4 }, () => open(b.url))) : [store];
  const results = await Promise.all(
    racers.flatMap((s) => Array.from({ length: 250 }, (_, j) => s.collection("race").add(`lease-${j % 50}`, j))),
  );
  const winners = results.filter(Boolean).length;
  if (b.shared) await Promise.all(racers.map((s) => s.close()));

  const big = store.collection("listing");
  await inParallel(N, (i) => big.set(key(i), value(i)));
  let listed = 0;
  const entriesMs = await timed(async () => {
    for await (const _ of big.entries()) listed++;
  });

  const expiring = store.collection("expiring");
  await inParallel(2_000, (i) => expiring.set(key(i), value(i), 1));
  await new Promise((r) => setTimeout(r, 20));
  let purged = 0;
  const purgeMs = await timed(async () => {
    purged = await store.purgeExpired();
  });
  connections = `${connections}`;
  await store.close();

  rows.push(
    `| ${b.name} | ${perSecond(N, setMs)} | ${perSecond(N, getMs)} | ${perSecond(N, getManyMs)} | ${perSecond(2_000, addMs)} | ` +
      `${winners}/50 of ${results.length} | ${entriesMs.toFixed(0)} ms (${listed}) | ${b.name === "Redis" ? "n/a (native expiry)" : `${purgeMs.toFixed(0)} ms (${purged})`} | ${connections} |`,
  );
}

// Clean up everything this run wrote.
rmSync(dir, { recursive: true, force: true });
try {
  await withPg((q) => q(`DROP SCHEMA IF EXISTS ${schema} CASCADE`));
} catch {}
try {
  const admin = createClient({ url: REDIS_URL, socket: { reconnectStrategy: false } });
  admin.on("error", () => {});
  await admin.connect();
  for await (const keys of admin.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 }))
    if (keys.length) await admin.del(keys);
  await admin.close();
} catch {}

console.log("## Store\n");
console.log(
  `\`npm run bench -- store\`: ${COLLECTIONS} collections per store, ${IN_FLIGHT} operations in flight, values ~100 bytes.\n`,
);
console.log(
  "| backend | set/s | get/s | getMany keys/s | add/s | add race winners | entries of 5,000 | purge 2,000 expired | connections in use |",
);
console.log("|---|---|---|---|---|---|---|---|---|");
for (const r of rows) console.log(r);
for (const n of notes) console.log(`\n${n}`);
console.log("");
