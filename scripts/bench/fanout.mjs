// Fan-out: one story to 500 subscribed channels against the local Discord emulator enforcing
// Discord's limits (50 requests/s per token, 5 messages per 5 s per channel). Reports sustained
// requests/s, 429s the bot did not plan for, and the time to drain the outbox.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { App } from "../../dist/src/app.js";
import { feedSchema, settingsSchema, topicSchema } from "../../dist/src/config/schema.js";
import { startDiscordEmulator } from "../../dist/src/dev/discord-emulator/index.js";
import { silentLogger } from "../../dist/src/log.js";
import { Subscriptions } from "../../dist/src/publish/subscriptions.js";
import { openStore } from "../../dist/src/store/keyv-store.js";

const SYLLABLES = [
  "zor",
  "blax",
  "quin",
  "tar",
  "vel",
  "mox",
  "dra",
  "pli",
  "kes",
  "nor",
  "fum",
  "gra",
  "tov",
  "yen",
  "wex",
  "sul",
];
/** A made-up word per story and slot, so that no two bench stories look alike to the grouper. */
const word = (n, salt) => {
  let x = n * 7919 + salt * 104729;
  let w = "";
  for (let i = 0; i < 3; i++) {
    w += SYLLABLES[x % SYLLABLES.length];
    x = Math.floor(x / SYLLABLES.length) + 13;
  }
  return w[0].toUpperCase() + w.slice(1);
};

function article(n) {
  // Only "GPU" (the topic keyword) is shared: bench stories must not look alike to the grouper.
  const w = (salt) => word(n, salt);
  return {
    id: `bench-${n}`,
    url: `https://example.com/${w(1).toLowerCase()}-${n}`,
    title: `${w(1)} ${w(2)} ${w(3)} GPU ${w(4)}`,
    excerpt: `${w(5)} ${w(6)} ${w(7)} ${w(8)} ${w(9)} ${w(10)} ${w(11)} ${w(12)}.`,
    image: `https://example.com/${n}.jpg`,
    provider: { name: "Bench", domain: "example.com" },
    publishedAt: new Date().toISOString(),
    topics: ["ai-hardware"],
    feedId: "f",
    quality: 50,
    guid: null,
  };
}

/** Posts `stories` new stories to `channelCount` subscribed channels and measures the drain. */
async function scenario(channelCount, stories) {
  const dir = mkdtempSync(path.join(tmpdir(), "newsdesk-bench-fanout-"));
  const discord = await startDiscordEmulator();
  const guild = discord.createGuild({ name: "bench" });
  const channels = Array.from(
    { length: channelCount },
    (_, i) => discord.createChannel(guild.id, { name: `c${i}` }).id,
  );
  const store = await openStore(`sqlite://${path.join(dir, "store.sqlite")}`);
  const subs = new Subscriptions(store);
  for (const id of channels) await subs.subscribe(guild.id, id, "ai-hardware");

  const config = {
    topics: [
      topicSchema.parse({
        slug: "ai-hardware",
        name: "AI Hardware",
        description: "x",
        color: "#76b900",
        keywords: ["GPU"],
      }),
    ],
    feeds: [feedSchema.parse({ id: "f", url: "http://127.0.0.1:9/feed.xml", topics: ["ai-hardware"] })],
    settings: settingsSchema.parse({}),
  };
  const app = await App.start({
    env: { DISCORD_API_URL: discord.apiUrl },
    config,
    log: silentLogger,
    store,
    token: discord.token,
    schedule: false,
    deliveryIntervalMs: 250,
  });

  const before = discord.stats();
  const requestsBefore = discord.requests.length;
  const t0 = performance.now();
  await app.ingest(Array.from({ length: stories }, (_, n) => article(n)));
  while ((await app.outbox.depth()) > 0) await new Promise((r) => setTimeout(r, 20));
  const seconds = (performance.now() - t0) / 1000;
  const after = discord.stats();
  const posts = channels.reduce((n, id) => n + discord.messages(id).length, 0);
  const requests = discord.requests.length - requestsBefore;
  const unplanned =
    after.rateLimited.global + after.rateLimited.route - (before.rateLimited.global + before.rateLimited.route);

  await app.stop();
  await store.close();
  await discord.close();
  rmSync(dir, { recursive: true, force: true });

  if (process.env.FANOUT_DEBUG) console.error(JSON.stringify({ before: before.rateLimited, after: after.rateLimited }));
  return { channelCount, stories, posts, seconds, requests, peak: after.peakRequestsPerSecond, unplanned };
}

const runs = [await scenario(Number(process.env.FANOUT_CHANNELS ?? 500), 1)];
if (process.env.FANOUT_BURST !== "0") runs.push(await scenario(Number(process.env.FANOUT_BURST_CHANNELS ?? 200), 50));

console.log("## Fan-out\n");
console.log(
  "One story to 500 channels, then a burst of 50 stories to 200 channels (10,000 posts), through the emulator",
);
console.log("enforcing Discord's limits (50 requests/s per token, 5 messages per 5 s per channel).\n");
console.log(
  "| scenario | posts | time to drain | sustained requests/s (goal ≥ 45) | peak in one second | unplanned 429s (goal 0) |",
);
console.log("| --- | ---: | ---: | ---: | ---: | ---: |");
for (const r of runs) {
  console.log(
    `| ${r.stories} ${r.stories === 1 ? "story" : "stories"} × ${r.channelCount} channels | ${r.posts} / ${r.stories * r.channelCount} | ${r.seconds.toFixed(1)} s | ${(r.requests / r.seconds).toFixed(1)} | ${r.peak} | ${r.unplanned} |`,
  );
  if (r.posts !== r.stories * r.channelCount) process.exitCode = 1;
}
console.log("");
