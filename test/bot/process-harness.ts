import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type DiscordEmulator, startDiscordEmulator } from "../../src/dev/discord-emulator/index.js";
import { Subscriptions } from "../../src/publish/subscriptions.js";
import { openStore } from "../../src/store/keyv-store.js";
import { type FeedServer, rssFeed, startFeedServer } from "../feeds/feed-server.js";

/** A bot process started by `startBot`, with what it logged kept for assertions. */
export interface BotProcess extends ChildProcess {
  /** The tail of its stderr, as text. */
  stderrText(): string;
  /** Its log lines, parsed (a line that is not JSON is kept as `{ msg: line }`). */
  logs: Array<Record<string, unknown>>;
}

/** The real entry point (`npm start`) in a child process, run from source. */
export function startBot(env: Record<string, string>, name = "bot"): BotProcess {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let text = "";
  let partial = "";
  const logs: Array<Record<string, unknown>> = [];
  child.stderr?.on("data", (chunk: Buffer) => {
    // Kept (bounded) for assertions, and drained so the child never blocks on a full pipe.
    text = (text + chunk.toString()).slice(-20_000);
    if (process.env.DEBUG_CHILD) process.stderr.write(`[${name}] ${chunk}`);
    const lines = (partial + chunk.toString("utf8")).split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) {
      try {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        logs.push({ msg: line });
      }
    }
  });
  return Object.assign(child, { stderrText: () => text, logs });
}

/** The first log line of the bot with this message. */
export const logged = (bot: BotProcess, msg: string) => bot.logs.find((l) => l.msg === msg);

export async function until(probe: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await probe()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * Writes a bot's config folder: one topic (ai-hardware, tagged by `keywords`), one feed at `feedUrl`
 * feeding it, and settings.yaml from the given lines.
 */
export function writeBotConfig(
  dir: string,
  options: { feedUrl: string; keywords: string[]; settings: string[] },
): void {
  writeFileSync(
    path.join(dir, "topics.yaml"),
    `topics:\n  - { slug: ai-hardware, name: AI Hardware, description: AI chips, color: "#76b900", keywords: [${options.keywords.join(", ")}] }\n`,
  );
  writeFileSync(
    path.join(dir, "feeds.yaml"),
    `feeds:\n  - { id: techspot, url: "${options.feedUrl}", provider: TechSpot, topics: [ai-hardware] }\n`,
  );
  writeFileSync(path.join(dir, "settings.yaml"), `${options.settings.join("\n")}\n`);
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
  // A tick every second, the newest item emitted on the first poll: the fan-out starts at once.
  writeBotConfig(dir, {
    feedUrl: feeds.url("/feed.xml"),
    keywords: ["GPU"],
    settings: ['poll: { schedule: "* * * * * *", interval: 0, backfill: 1 }', "publish: { claimLease: 2s }"],
  });
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
