import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DiscordEmulator, startDiscordEmulator } from "../../src/dev/discord-emulator/index.js";
import { Subscriptions } from "../../src/publish/subscriptions.js";
import { openStore } from "../../src/store/keyv-store.js";
import { type FeedServer, rssFeed, startFeedServer } from "../feeds/feed-server.js";

const CHANNELS = 60;

/** The real entry point (`npm start`) in a child process, run from source. */
function startBot(env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  child.stderr?.on("data", (_d) => {
    // Drained so the child never blocks on a full pipe; shown only when debugging.
    if (process.env.DEBUG_CHILD) process.stderr.write(_d);
  });
  return child;
}

async function until(probe: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (probe()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("crash safety: kill -9 during a fan-out, then restart", () => {
  let discord: DiscordEmulator;
  let feeds: FeedServer;
  let env: Record<string, string>;
  let channelIds: string[] = [];
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    discord = await startDiscordEmulator();
    feeds = await startFeedServer();
    const guild = discord.createGuild({ name: "Crash test" });
    channelIds = Array.from({ length: CHANNELS }, (_, i) => discord.createChannel(guild.id, { name: `news-${i}` }).id);

    const dir = mkdtempSync(path.join(tmpdir(), "newsdesk-crash-"));
    const storeUrl = `sqlite://${path.join(dir, "store.sqlite")}`;
    const store = await openStore(storeUrl);
    const subs = new Subscriptions(store);
    for (const id of channelIds) await subs.subscribe(guild.id, id, "ai-hardware");
    await store.close();

    const date = new Date(Date.now() - 5 * 60_000).toUTCString();
    feeds.set("/feed.xml", {
      body: rssFeed("TechSpot", [
        {
          guid: "g1",
          title: "Nvidia ships Rubin GPU samples to cloud providers",
          link: "https://www.techspot.com/news/rubin.html",
          date,
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
    // Every second, with the newest item emitted on the first poll, so the fan-out starts at once.
    writeFileSync(
      path.join(dir, "settings.yaml"),
      'poll: { schedule: "* * * * * *", interval: 0, backfill: 1 }\npublish: { claimLease: 2s }\n',
    );
    env = {
      DISCORD_TOKEN: discord.token,
      DISCORD_API_URL: discord.apiUrl,
      STORE_URL: storeUrl,
      CONFIG_DIR: dir,
      LOG_LEVEL: "warn",
      HTTP_PORT: "",
    };
  });

  afterAll(async () => {
    for (const c of children) c.kill("SIGKILL");
    await discord?.close();
    await feeds?.close();
  });

  const posted = () => channelIds.map((id) => discord.messages(id).length);

  it("posts the story exactly once in every channel", async () => {
    const first = startBot(env);
    children.push(first);
    // Kill it mid-fan-out: some channels have the story, most do not yet.
    await until(() => posted().filter((n) => n > 0).length >= 8, 20_000, "the first posts");
    first.kill("SIGKILL");
    await new Promise((r) => first.once("exit", r));
    const before = posted().filter((n) => n > 0).length;
    expect(before).toBeLessThan(CHANNELS);

    const second = startBot(env);
    children.push(second);
    await until(() => posted().every((n) => n > 0), 30_000, "every channel to get the story");
    // Give a duplicate, if any, the time to appear before judging.
    await new Promise((r) => setTimeout(r, 1_500));
    second.kill("SIGTERM");
    await new Promise((r) => second.once("exit", r));
    expect(posted()).toEqual(channelIds.map(() => 1));
  }, 60_000);
});
