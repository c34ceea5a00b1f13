#!/usr/bin/env node
/**
 * `npm run demo`: the real bot end to end with no network and no token. A local feed server plays a
 * sample news day, the local Discord emulator plays Discord (the unmodified discord.js client talks
 * to it), the store is SQLite in a temporary folder. Prints a transcript of what a server would see.
 */
import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { PermissionFlagsBits } from "discord.js";
import { App } from "../app.js";
import { loadConfig } from "../config/load.js";
import { type Config, feedSchema, settingsSchema } from "../config/schema.js";
import { createLogger } from "../log.js";
import { openStore } from "../store/keyv-store.js";
import { type DiscordEmulator, type MessageRecord, startDiscordEmulator } from "./discord-emulator/index.js";
import { startNewsdayServer } from "./newsday-server.js";

// dist/src/dev → repository root when built, src/dev → root when run from source (tests).
const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, HERE.includes(`${path.sep}dist${path.sep}`) ? "../../.." : "../..");
const NEWSDAY = path.join(ROOT, "test/fixtures/newsday");

/** Specialist outlets bring their topic to every item; general ones rely on the topics' keyword rules. */
const OUTLET_TOPICS: Record<string, string[]> = {
  bleepingcomputer: ["security"],
  spacenews: ["space"],
  quanta: ["science"],
  phoronix: ["open-source"],
  lwn: ["open-source"],
  tomshardware: ["hardware"],
  techspot: ["hardware"],
  pcgamer: ["hardware"],
};

const CHANNELS: Array<[name: string, topics: string[]]> = [
  ["ai-hardware", ["ai-hardware"]],
  ["ai", ["ai"]],
  ["security", ["security"]],
  ["open-source", ["open-source"]],
  ["science-space", ["science", "space"]],
];

let out = (line = "") => {
  process.stdout.write(`${line}\n`);
};
const clip = (text: string, n = 90) => (text.length > n ? `${text.slice(0, n - 1)}…` : text);

class Transcript {
  private seen = new Map<string, number>();
  constructor(
    private readonly discord: DiscordEmulator,
    private readonly channels: Map<string, string>,
  ) {}
  posts = 0;
  edits = 0;

  private storyPosts(channelId: string): MessageRecord[] {
    const bot = this.discord.botUser.id;
    return this.discord.messages(channelId).filter((m) => m.authorId === bot && !m.interaction && !m.messageReference);
  }

  /** Prints the posts and edits that happened since the last call. */
  report(): void {
    for (const [name, id] of this.channels) {
      for (const m of this.storyPosts(id)) {
        const e = m.embeds[0];
        if (!e) continue;
        const outlets = /(\d+) outlets?/.exec(e.footer?.text ?? "")?.[1] ?? "1";
        const before = this.seen.get(m.id);
        if (before === undefined) {
          this.posts++;
          out(`  POST  #${name.padEnd(13)} ${clip(e.title ?? "")}`);
          out(
            `        ${e.author?.name ?? "?"} · ${outlets} outlet${outlets === "1" ? "" : "s"} · image: ${e.image ? "yes" : "no"}`,
          );
        } else if (m.edits.length > before) {
          this.edits++;
          const more = /\+(\d+) more sources?/.exec(e.description ?? "")?.[0] ?? "";
          out(`  EDIT  #${name.padEnd(13)} ${clip(e.title ?? "")}`);
          out(`        now ${outlets} outlets (${more}), lead: ${e.author?.name ?? "?"}`);
        }
        this.seen.set(m.id, m.edits.length);
      }
    }
  }

  mostCovered(): { channel: string; message: MessageRecord } | null {
    let best: { channel: string; message: MessageRecord; n: number } | null = null;
    for (const [name, id] of this.channels) {
      for (const m of this.storyPosts(id)) {
        const n = Number(/(\d+) outlets/.exec(m.embeds[0]?.footer?.text ?? "")?.[1] ?? 1);
        if (!best || n > best.n) best = { channel: name, message: m, n };
      }
    }
    return best;
  }
}

async function settle(app: App, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    await app.deliverer.drain();
    if ((await app.outbox.depth()) === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("deliveries did not finish in time");
}

/** Runs the demo, writing the transcript line by line; resolves with the exit code. */
export async function runDemo(write?: (line: string) => void): Promise<number> {
  if (write) out = (line = "") => write(line);
  const started = Date.now();
  const dir = mkdtempSync(path.join(tmpdir(), "newsdesk-demo-"));
  const log = createLogger({ level: process.env.LOG_LEVEL ?? "warn" });
  const feeds = await startNewsdayServer(NEWSDAY);
  const discord = await startDiscordEmulator({ botName: "newsdesk" });
  const store = await openStore(`sqlite://${path.join(dir, "newsdesk.sqlite")}`);
  let app: App | null = null;
  try {
    out("newsdesk demo: offline, no token. Local feeds, a local Discord, SQLite in a temporary folder.");
    out(`  store: ${path.join(dir, "newsdesk.sqlite")}`);
    const shipped = loadConfig(path.join(ROOT, "config"));
    const config: Config = {
      topics: shipped.topics,
      feeds: feeds.feeds.map((f) =>
        feedSchema.parse({
          id: f.id,
          url: feeds.url(f.id),
          provider: f.name,
          quality: f.quality,
          topics: OUTLET_TOPICS[f.id] ?? [],
        }),
      ),
      settings: settingsSchema.parse({
        ...shipped.settings,
        poll: { ...shipped.settings.poll, interval: 0, backfill: 200, timeout: 10_000, connectTimeout: 5_000 },
        discord: { ...shipped.settings.discord, editDebounce: 0 },
      }),
    };

    const guild = discord.createGuild({ name: "Newsdesk Demo" });
    const adminRole = discord.createRole(guild.id, { name: "Admins", permissions: PermissionFlagsBits.Administrator });
    const admin = discord.createMember(guild.id, { username: "ada", roleIds: [adminRole] });
    const reader = discord.createMember(guild.id, { username: "grace" });
    const channels = new Map(CHANNELS.map(([name]) => [name, discord.createChannel(guild.id, { name }).id]));
    out(`  Discord server "${guild.name}": ${[...channels.keys()].map((c) => `#${c}`).join(" ")}`);
    out(`  ${config.feeds.length} outlets, ${config.topics.length} topics`);

    app = await App.start({
      env: { DISCORD_API_URL: discord.apiUrl, SHARD_COUNT: undefined, SHARD_IDS: undefined },
      config,
      log,
      store,
      token: discord.token,
      schedule: false,
      deliveryIntervalMs: 200,
      syncCommands: { guildId: guild.id },
    });
    out(`  bot connected as ${app.client.user?.username}; slash commands registered\n`);

    out("An admin subscribes channels to topics:");
    for (const [name, topics] of CHANNELS) {
      for (const topic of topics) {
        const reply = await discord
          .runCommand("subscribe", { channelId: channels.get(name)!, userId: admin.id, options: { topic } })
          .response();
        out(
          `  /subscribe topic:${topic} in #${name}  →  ${clip(reply.content.split("\n")[0] ?? "", 100).replace(/<#\d+>/, `#${name}`)}`,
        );
      }
    }

    const transcript = new Transcript(discord, channels);
    out("\nMorning poll: every outlet's feed is read; coverage of the same news becomes one story.");
    const first = await app.pollOnce();
    await settle(app);
    const failedFeeds = first.results.filter((r) => r.outcome === "failed");
    out(
      `  ${first.polled} feeds polled, ${first.articles.length} articles${failedFeeds.length ? `, ${failedFeeds.length} failed` : ""}`,
    );
    transcript.report();

    out("\nA few hours later, more outlets cover the same stories: posts are edited, not repeated.");
    feeds.advance();
    const second = await app.pollOnce();
    await settle(app);
    out(`  ${second.articles.length} new articles`);
    transcript.report();

    out("\n/news topic:ai-hardware (run by grace in #ai):");
    const news = await discord
      .runCommand("news", {
        channelId: channels.get("ai")!,
        userId: reader.id,
        options: { topic: "ai-hardware", count: 5 },
      })
      .response();
    for (const [i, e] of news.embeds.entries()) {
      out(
        `  ${i + 1}. ${clip(e.title ?? "", 80)}  (${/(\d+ outlets?)/.exec(e.footer?.text ?? "")?.[1] ?? "1 outlet"})`,
      );
    }
    if (news.embeds.length === 0) out(`  ${news.content}`);

    const target = transcript.mostCovered();
    if (target) {
      out(`\ngrace reacts 🔗 on "${clip(target.message.embeds[0]?.title ?? "", 70)}" in #${target.channel}:`);
      discord.addReaction(channels.get(target.channel)!, target.message.id, reader.id, "🔗");
      const threadId = await waitFor(() => discord.message(target.message.id)?.threadId ?? null);
      const answer = await discord.waitForMessage(threadId, () => true, 10_000);
      const thread = discord.world.channels.get(threadId);
      out(`  thread "${thread?.name ?? "?"}":`);
      for (const line of answer.embeds[0]?.description?.split("\n") ?? []) {
        out(`    ${line.replace(/ · <t:\d+:R>$/, "").replace(/\\/g, "")}`);
      }
    }

    // The hostile items (mentions, markdown, a 10 kB title) must not have pinged anyone or been refused.
    const refused = discord.requests.filter((r) => r.status >= 400 && r.status !== 429);
    const pinging = discord.requests.filter((r) => {
      const body = r.body as { allowed_mentions?: { parse?: unknown[] } } | null;
      return r.method === "POST" && r.path.includes("/messages") && (body?.allowed_mentions?.parse?.length ?? 0) > 0;
    });
    out(
      `\nDone in ${((Date.now() - started) / 1000).toFixed(1)} s: ${transcript.posts} posts, ${transcript.edits} edits, ` +
        `${discord.requests.length} Discord requests, ${refused.length} refused, ${pinging.length} that could ping.`,
    );
    return refused.length === 0 && pinging.length === 0 && transcript.posts > 0 ? 0 : 1;
  } finally {
    await app?.stop();
    await store.close();
    await discord.close();
    await feeds.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function waitFor<T>(probe: () => T | null, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const value = probe();
    if (value !== null) return value;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error("timed out waiting for the bot");
}

if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  runDemo().then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`demo failed: ${(err as Error).stack ?? String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
