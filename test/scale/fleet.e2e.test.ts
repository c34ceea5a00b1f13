import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DiscordEmulator, shardOf, startDiscordEmulator } from "../../src/dev/discord-emulator/index.js";
import { Subscriptions } from "../../src/publish/subscriptions.js";
import { openStore } from "../../src/store/keyv-store.js";
import { type BotProcess, logged, startBot, until, writeBotConfig } from "../bot/process-harness.js";
import { type FeedServer, rssFeed, startFeedServer } from "../feeds/feed-server.js";
import { REDIS_URL, redisNamespace, redisUnavailable, reportUnavailable, sleep } from "./redis.js";

const unavailable = await redisUnavailable();

const SHARDS = 2;
const GUILDS = 4;
const CHANNELS_PER_GUILD = 3;
const ITEMS = [
  { guid: "rubin", title: "Nvidia ships Rubin GPU samples to cloud providers", slug: "rubin" },
  { guid: "hbm4", title: "SK Hynix starts HBM4 mass production for next year's accelerators", slug: "hbm4" },
  { guid: "cerebras", title: "Cerebras files for a Nasdaq listing after record wafer-scale orders", slug: "cerebras" },
];

/** Guild ids whose timestamp bits put them on the wanted shard (Discord routes guilds by `(id >> 22) % count`). */
function guildIdOnShard(shard: number, n: number): string {
  // Distinct per n: guild n searches the timestamps [base + n·SHARDS, base + (n+1)·SHARDS).
  const base = BigInt(Date.now() - 1_420_070_400_000 - 60_000) + BigInt(n * SHARDS);
  for (let t = base; ; t++) {
    const id = (t << 22n).toString();
    if (shardOf(id, SHARDS) === shard) return id;
  }
}

describe("two bot processes, two shards, one Redis", () => {
  if (unavailable) {
    reportUnavailable(unavailable);
    return;
  }
  const ns = redisNamespace();
  const storeUrl = `${REDIS_URL}?prefix=${ns.prefix}`;
  let discord: DiscordEmulator;
  let feeds: FeedServer;
  let dir: string;
  let env: Record<string, string>;
  const guildsByShard = new Map<number, string[]>();
  const channels: string[] = [];
  const guildOfChannel = new Map<string, string>();
  const feedFetches: number[] = [];
  const bots: BotProcess[] = [];
  const published: typeof ITEMS = [];

  function publish(item: (typeof ITEMS)[number]): void {
    published.unshift(item);
    const body = rssFeed(
      "TechSpot",
      published.map((i) => ({
        guid: i.guid,
        title: i.title,
        link: `https://www.techspot.com/news/${i.slug}.html`,
        date: new Date(Date.now() - 5 * 60_000).toUTCString(),
        description: `${i.title}. Details inside.`,
      })),
    );
    feeds.set("/feed.xml", () => {
      feedFetches.push(Date.now());
      return { body };
    });
  }

  /** Story titles posted in a channel, in order. */
  const postsIn = (channelId: string) => discord.messages(channelId).map((m) => m.embeds[0]?.title ?? "");

  beforeAll(async () => {
    discord = await startDiscordEmulator();
    feeds = await startFeedServer();
    for (let shard = 0; shard < SHARDS; shard++) guildsByShard.set(shard, []);
    for (let g = 0; g < GUILDS; g++) {
      const shard = g % SHARDS;
      const guild = discord.createGuild({ name: `Guild ${g}`, id: guildIdOnShard(shard, g) });
      guildsByShard.get(shard)?.push(guild.id);
      for (let c = 0; c < CHANNELS_PER_GUILD; c++) {
        const channelId = discord.createChannel(guild.id, { name: `news-${g}-${c}` }).id;
        channels.push(channelId);
        guildOfChannel.set(channelId, guild.id);
      }
    }

    const store = await openStore(storeUrl);
    const subs = new Subscriptions(store);
    for (const [channelId, guildId] of guildOfChannel) await subs.subscribe(guildId, channelId, "ai-hardware");
    await store.close();

    publish(ITEMS[0] as (typeof ITEMS)[number]);
    dir = mkdtempSync(path.join(tmpdir(), "newsdesk-fleet-"));
    // A tick every second and a 2 s leader lease, so a takeover fits in the test.
    writeBotConfig(dir, {
      feedUrl: feeds.url("/feed.xml"),
      keywords: ["GPU", "HBM4"],
      settings: [
        'poll: { schedule: "* * * * * *", interval: 0, backfill: 1, leaderLease: 2s }',
        "publish: { claimLease: 2s, retryBase: 200ms, retryMax: 1s, maxAttempts: 50 }",
        "discord: { editDebounce: 0 }",
      ],
    });
    env = {
      DISCORD_TOKEN: discord.token,
      DISCORD_API_URL: discord.apiUrl,
      STORE_URL: storeUrl,
      CONFIG_DIR: dir,
      SHARD_COUNT: String(SHARDS),
      LOG_LEVEL: "info",
      LOG_PRETTY: "0",
      HTTP_PORT: "",
    };
  });

  afterAll(async () => {
    const running = bots.filter((b) => b.exitCode === null && b.signalCode === null);
    for (const bot of running) bot.kill("SIGKILL");
    await Promise.all(running.map((b) => new Promise((r) => b.once("exit", r))));
    await discord?.close();
    await feeds?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    await ns.cleanup();
  });

  it("splits the guilds by shard, polls once per tick, posts each story once per channel, and survives losing a process", async () => {
    for (let shard = 0; shard < SHARDS; shard++) {
      bots.push(startBot({ ...env, SHARD_IDS: String(shard) }, `shard-${shard}`));
    }
    await until(() => bots.every((b) => logged(b, "newsdesk running")), 20_000, "both processes to start");

    // Each process runs its own shard and was sent only that shard's guilds.
    const sessions = discord.sessions().filter((s) => s.connected);
    expect(sessions.map((s) => s.shard).sort()).toEqual([
      [0, SHARDS],
      [1, SHARDS],
    ]);
    for (const [shard, bot] of bots.entries()) {
      expect(logged(bot, "connected to Discord")?.guilds).toBe(guildsByShard.get(shard)?.length);
      expect(logged(bot, "newsdesk running")?.shards).toEqual([shard]);
    }

    // The first story reaches every channel of both shards' guilds, once.
    await until(() => channels.every((c) => postsIn(c).length >= 1), 15_000, "the first story everywhere");

    // One poll per tick across the fleet: every fetch belongs to a tick one process claimed.
    const probe = await openStore(storeUrl);
    try {
      const ticks = async () => {
        const owners: string[] = [];
        for await (const [, owner] of probe.collection<string>("coordinator-poll-slots").entries()) owners.push(owner);
        return owners;
      };
      await until(async () => (await ticks()).length >= 3, 10_000, "a few more ticks");
      const owners = await ticks();
      const fetches = feedFetches.length;
      expect(fetches).toBeGreaterThan(0);
      expect(fetches).toBeLessThanOrEqual((await ticks()).length);
      // …and the same process ran them all: the lease is sticky.
      expect(new Set(owners).size).toBe(1);
    } finally {
      await probe.close();
    }

    const leader = bots.find((b) => logged(b, "poll: became leader"));
    const survivor = bots.find((b) => b !== leader);
    if (!leader || !survivor) throw new Error("no poll leader logged");
    expect(bots.filter((b) => logged(b, "poll: became leader"))).toHaveLength(1);

    // Second story: Discord holds the posts back for a while, and the leader dies mid fan-out.
    discord.rateLimitStorm({ durationMs: 2_500, routes: ["POST /channels/:channel_id/messages"], retryAfterMs: 200 });
    const since = discord.requests.length;
    publish(ITEMS[1] as (typeof ITEMS)[number]);
    await discord.waitForRequest(
      (r) => r.index >= since && r.method === "POST" && r.route === "/channels/:channel_id/messages",
      10_000,
    );
    leader.kill("SIGKILL");
    await new Promise((r) => leader.once("exit", r));
    const fetchesAtKill = feedFetches.length;
    // Work was still queued when it died: the second story had not reached every channel.
    expect(channels.filter((c) => postsIn(c).length >= 2).length).toBeLessThan(channels.length);

    // Third story, published after the kill: only the survivor can poll it.
    publish(ITEMS[2] as (typeof ITEMS)[number]);
    await until(() => channels.every((c) => postsIn(c).length >= 3), 20_000, "the later stories everywhere");
    await sleep(1_500); // a duplicate, if any, would show up by now

    expect(logged(survivor, "poll: became leader")).toBeDefined();
    expect(feedFetches.length).toBeGreaterThan(fetchesAtKill);
    const everyTitle = ITEMS.map((i) => i.title).sort();
    for (const channelId of channels) expect(postsIn(channelId).sort()).toEqual(everyTitle);
    // Two processes, one token: Discord's global limit was never hit.
    expect(discord.stats().rateLimited.global).toBe(0);
  }, 60_000);
});
