import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type DiscordEmulator, startDiscordEmulator } from "../../src/dev/discord-emulator/index.js";
import { Subscriptions } from "../../src/publish/subscriptions.js";
import { openStore } from "../../src/store/keyv-store.js";
import { type FeedServer, rssFeed, startFeedServer } from "../feeds/feed-server.js";

/** The real entry point (`npm start`) in a child process, run from source. */
export function startBot(env: Record<string, string>): ChildProcess & { stderrText: () => string } {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let text = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    // Kept (bounded) for assertions, and drained so the child never blocks on a full pipe.
    text = (text + chunk.toString()).slice(-20_000);
    if (process.env.DEBUG_CHILD) process.stderr.write(chunk);
  });
  return Object.assign(child, { stderrText: () => text });
}

export async function until(probe: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (probe()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * A world for bot processes: the Discord emulator with `channels` channels subscribed to one topic,
 * a feed whose newest item is emitted on the first poll (so a fan-out starts at once), and the
 * environment a child bot needs (SQLite store and config in a temporary folder).
 */
export async function startProcessWorld(channels: number) {
  const discord: DiscordEmulator = await startDiscordEmulator();
  const feeds: FeedServer = await startFeedServer();
  const guild = discord.createGuild({ name: "Process test" });
  const channelIds = Array.from(
    { length: channels },
    (_, i) => discord.createChannel(guild.id, { name: `news-${i}` }).id,
  );

  const dir = mkdtempSync(path.join(tmpdir(), "newsdesk-process-"));
  const storeUrl = `sqlite://${path.join(dir, "store.sqlite")}`;
  const store = await openStore(storeUrl);
  const subs = new Subscriptions(store);
  for (const id of channelIds) await subs.subscribe(guild.id, id, "ai-hardware");
  await store.close();

  feeds.set("/feed.xml", {
    body: rssFeed("TechSpot", [
      {
        guid: "g1",
        title: "Nvidia ships Rubin GPU samples to cloud providers",
        link: "https://www.techspot.com/news/rubin.html",
        date: new Date(Date.now() - 5 * 60_000).toUTCString(),
        description: "The first Rubin GPU samples reach Azure and AWS.",
      },
    ]),
  });
  writeFileSync(
    path.join(dir, "topics.yaml"),
    'topics:\n  - { slug: ai-hardware, name: AI Hardware, description: AI chips, color: "#76b900", keywords: [GPU] }\n',
  );
  writeFileSync(
    path.join(dir, "feeds.yaml"),
    `feeds:\n  - { id: techspot, url: "${feeds.url("/feed.xml")}", provider: TechSpot, topics: [ai-hardware] }\n`,
  );
  writeFileSync(
    path.join(dir, "settings.yaml"),
    'poll: { schedule: "* * * * * *", interval: 0, backfill: 1 }\npublish: { claimLease: 2s }\n',
  );
  const env = {
    DISCORD_TOKEN: discord.token,
    DISCORD_API_URL: discord.apiUrl,
    STORE_URL: storeUrl,
    CONFIG_DIR: dir,
    LOG_LEVEL: "info",
    HTTP_PORT: "",
  };
  return {
    discord,
    feeds,
    env,
    channelIds,
    /** Messages per channel, in channel order. */
    posted: () => channelIds.map((id) => discord.messages(id).length),
    async close() {
      await discord.close();
      await feeds.close();
    },
  };
}
