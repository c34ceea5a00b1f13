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

const CHANNELS = Number(process.env.FANOUT_CHANNELS ?? 500);

const dir = mkdtempSync(path.join(tmpdir(), "newsdesk-bench-fanout-"));
const discord = await startDiscordEmulator();
const guild = discord.createGuild({ name: "bench" });
const channels = Array.from({ length: CHANNELS }, (_, i) => discord.createChannel(guild.id, { name: `c${i}` }).id);
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
await app.ingest([
  {
    id: "bench-1",
    url: "https://example.com/rubin",
    title: "Nvidia ships Rubin GPU samples",
    excerpt: "The first Rubin GPU samples reach the clouds.",
    image: "https://example.com/rubin.jpg",
    provider: { name: "Bench", domain: "example.com" },
    publishedAt: new Date().toISOString(),
    topics: ["ai-hardware"],
    feedId: "f",
    quality: 50,
    guid: null,
  },
]);
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

console.log(`## Fan-out (${CHANNELS} channels)\n`);
console.log("| metric | value | goal |");
console.log("| --- | ---: | --- |");
console.log(`| channels posted | ${posts} / ${CHANNELS} | all, once |`);
console.log(`| time to drain | ${seconds.toFixed(2)} s | |`);
console.log(`| sustained requests/s | ${(requests / seconds).toFixed(1)} | ≥ 45 of 50 |`);
console.log(`| peak requests in one second | ${after.peakRequestsPerSecond} | ≤ 50 |`);
console.log(`| unplanned 429s | ${unplanned} | 0 |`);
console.log("");
if (posts !== CHANNELS) process.exitCode = 1;
