// Several processes: what the shared pieces cost and whether the shared Discord budget holds.
// - the Redis global rate limiter: cost of one take, and takes/s with many requests waiting at once;
// - 1, 2 and 4 REST clients of one token (as many processes) through the limiter at 45/s against the
//   emulator (which enforces Discord's 50/s per token): achieved rate, busiest 1 s window, global 429s;
//   and 2 clients without it, for comparison;
// - the poll coordinator: cost of one tick's decision on Redis.
// Needs Redis at 127.0.0.1:6379 (NEWSDESK_BENCH_REDIS_URL to change); prints why when it is not there.
import { DefaultRestOptions, REST, Routes } from "discord.js";
import { startDiscordEmulator } from "../../dist/src/dev/discord-emulator/index.js";
import { GlobalRateLimiter } from "../../dist/src/scale/global-rate-limit.js";
import { StoreRunCoordinator } from "../../dist/src/scale/run-coordinator.js";
import { openStore } from "../../dist/src/store/keyv-store.js";

const REDIS_URL = process.env.NEWSDESK_BENCH_REDIS_URL ?? "redis://127.0.0.1:6379";
const PREFIX = `ndbench-scale-${process.pid}`;
const BUDGET = 45;

const fmt = (n, digits = 0) =>
  n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

function rollingPeak(times) {
  const sorted = [...times].sort((a, b) => a - b);
  let peak = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while (sorted[end] - sorted[start] >= 1_000) start++;
    peak = Math.max(peak, end - start + 1);
  }
  return peak;
}

async function limiterCost() {
  const limiter = await GlobalRateLimiter.connect({
    redisUrl: REDIS_URL,
    token: "bench",
    perSecond: 1e9,
    prefix: PREFIX,
  });
  try {
    for (let i = 0; i < 200; i++) await limiter.acquire(); // warm-up
    const n = 5_000;
    let t = performance.now();
    for (let i = 0; i < n; i++) await limiter.acquire();
    const sequentialUs = ((performance.now() - t) * 1000) / n;
    // 32 requests in flight, as one deliverer sends them (publish.concurrency).
    t = performance.now();
    let left = n;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (left-- > 0) await limiter.acquire();
      }),
    );
    const parallelPerSecond = n / ((performance.now() - t) / 1000);
    return { sequentialUs, parallelPerSecond };
  } finally {
    await limiter.close();
  }
}

async function sharedBudget(discord, channels, processes, limited, perClient) {
  const limiters = [];
  const clients = [];
  for (let i = 0; i < processes; i++) {
    let makeRequest = DefaultRestOptions.makeRequest;
    if (limited) {
      const limiter = await GlobalRateLimiter.connect({
        redisUrl: REDIS_URL,
        token: discord.token,
        perSecond: BUDGET,
        prefix: `${PREFIX}-${processes}`,
      });
      limiters.push(limiter);
      makeRequest = limiter.wrap(makeRequest);
    }
    clients.push(new REST({ api: discord.apiUrl, retries: 5, makeRequest }).setToken(discord.token));
  }
  // Let the emulator's global window of the previous scenario lapse.
  await new Promise((r) => setTimeout(r, 1_100));
  const first = discord.requests.length;
  const global429Before = discord.stats().rateLimited.global;
  const t = performance.now();
  await Promise.all(
    clients.flatMap((rest) =>
      Array.from({ length: perClient }, (_, i) => rest.get(Routes.channel(channels[i % channels.length]))),
    ),
  );
  const seconds = (performance.now() - t) / 1000;
  const times = discord.requests.slice(first).map((r) => r.at);
  for (const l of limiters) await l.close();
  return {
    processes,
    limited,
    requests: times.length,
    rate: (processes * perClient) / seconds,
    peak: rollingPeak(times),
    global429: discord.stats().rateLimited.global - global429Before,
  };
}

async function coordinatorCost() {
  const store = await openStore(REDIS_URL, { prefix: PREFIX });
  const a = new StoreRunCoordinator({ store, name: "bench", leaseMs: 30_000 });
  const b = new StoreRunCoordinator({ store, name: "bench", leaseMs: 30_000 });
  try {
    const n = 1_000;
    let t = performance.now();
    for (let i = 0; i < n; i++) await a.decide(`bench:${i}`, 60_000);
    const leaderMs = (performance.now() - t) / n;
    t = performance.now();
    for (let i = 0; i < n; i++) await b.decide(`bench:f${i}`, 60_000);
    const followerMs = (performance.now() - t) / n;
    return { leaderMs, followerMs };
  } finally {
    await a.close();
    await b.close();
    await store.close();
  }
}

async function cleanup() {
  const { createClient } = await import("@keyv/redis");
  const client = createClient({ url: REDIS_URL });
  await client.connect();
  for await (const keys of client.scanIterator({ MATCH: `${PREFIX}*`, COUNT: 1000 }))
    if (keys.length) await client.del(keys);
  await client.close();
}

async function main() {
  console.log("## Several processes (scale)\n");
  try {
    const probe = await GlobalRateLimiter.connect({
      redisUrl: REDIS_URL,
      token: "probe",
      perSecond: 1,
      prefix: PREFIX,
    });
    await probe.close();
  } catch (err) {
    console.log(`Skipped: ${err.message}\n`);
    return;
  }
  try {
    const cost = await limiterCost();
    console.log("Shared global rate limiter (one Lua script on Redis per REST request):\n");
    console.log("| measure | value |\n| --- | --- |");
    console.log(`| one take, sequential | ${fmt(cost.sequentialUs)} µs |`);
    console.log(`| takes/s, 32 requests in flight (one process) | ${fmt(cost.parallelPerSecond)} |`);

    const discord = await startDiscordEmulator();
    const guild = discord.createGuild({ name: "bench" });
    const channels = Array.from({ length: 50 }, (_, i) => discord.createChannel(guild.id, { name: `c${i}` }).id);
    const rows = [];
    try {
      for (const processes of [1, 2, 4])
        rows.push(await sharedBudget(discord, channels, processes, true, 360 / processes));
      rows.push(await sharedBudget(discord, channels, 2, false, 180));
    } finally {
      await discord.close();
    }
    console.log(
      `\nREST clients of one token (one per simulated process), 360 GET requests in all, budget ${BUDGET}/s, against the emulator (50/s per token):\n`,
    );
    console.log(
      "| clients | shared limiter | requests sent (with retries) | achieved req/s | busiest 1 s window | global 429s |",
    );
    console.log("| --- | --- | --- | --- | --- | --- |");
    for (const r of rows) {
      console.log(
        `| ${r.processes} | ${r.limited ? "yes" : "no"} | ${r.requests} | ${fmt(r.rate, 1)} | ${r.peak} | ${r.global429} |`,
      );
    }

    const coord = await coordinatorCost();
    console.log("\nPoll coordinator on Redis, per schedule tick:\n");
    console.log("| process | decision time |\n| --- | --- |");
    console.log(`| leader (renew lease, add slot, read and write last runner) | ${fmt(coord.leaderMs, 2)} ms |`);
    console.log(`| follower (read lease) | ${fmt(coord.followerMs, 2)} ms |`);
    console.log("");
  } finally {
    await cleanup();
  }
}

await main();
