import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PermissionFlagsBits } from "discord.js";
import { App } from "../../src/app.js";
import { type Config, feedSchema, settingsSchema, topicSchema } from "../../src/config/schema.js";
import { type DiscordEmulator, startDiscordEmulator } from "../../src/dev/discord-emulator/index.js";
import { silentLogger } from "../../src/log.js";
import { openStore } from "../../src/store/keyv-store.js";
import type { Store } from "../../src/store/store.js";
import { type FeedServer, rssFeed, startFeedServer } from "../feeds/feed-server.js";

export const TOPICS = [
  topicSchema.parse({
    slug: "ai-hardware",
    name: "AI Hardware",
    description: "Accelerators and the data centres that run AI",
    color: "#76b900",
    keywords: ["GPU", "H100", "HBM4", "Gaudi", "Cerebras", "AI data centre", "AI data center"],
  }),
  topicSchema.parse({
    slug: "security",
    name: "Security",
    description: "Breaches",
    color: "#c0392b",
    keywords: ["ransomware"],
  }),
  topicSchema.parse({ slug: "hardware", name: "Hardware", description: "Chips", color: "#e67e22", keywords: ["GPU"] }),
];

export interface FeedItem {
  guid: string;
  title: string;
  link: string;
  description?: string;
  /** Minutes before now. */
  minutesAgo?: number;
}

/** The world of one end-to-end test: a feed server, the Discord emulator with a guild, a store. */
export class Harness {
  feeds!: FeedServer;
  discord!: DiscordEmulator;
  storeUrl!: string;
  guildId!: string;
  admin!: string;
  member!: string;
  channels: Record<string, string> = {};
  app: App | null = null;
  store: Store | null = null;
  private items = new Map<string, FeedItem[]>();
  readonly outlets = ["techspot", "decrypt", "pcgamer"] as const;

  static async start(): Promise<Harness> {
    const h = new Harness();
    h.feeds = await startFeedServer();
    for (const outlet of h.outlets) h.setItems(outlet, []);
    h.discord = await startDiscordEmulator();
    const guild = h.discord.createGuild({ name: "Newsroom" });
    h.guildId = guild.id;
    const adminRole = h.discord.createRole(guild.id, {
      name: "admins",
      permissions: PermissionFlagsBits.ManageChannels | PermissionFlagsBits.ManageGuild,
    });
    h.admin = h.discord.createMember(guild.id, { username: "admin", roleIds: [adminRole] }).id;
    h.member = h.discord.createMember(guild.id, { username: "reader" }).id;
    for (const name of ["ai-news", "hw-news", "sec-news", "general"]) {
      h.channels[name] = h.discord.createChannel(guild.id, { name }).id;
    }
    h.storeUrl = `sqlite://${path.join(mkdtempSync(path.join(tmpdir(), "newsdesk-e2e-")), "store.sqlite")}`;
    return h;
  }

  setItems(outlet: string, items: FeedItem[]): void {
    this.items.set(outlet, items);
    const now = Date.now();
    const body = rssFeed(
      outlet,
      items.map((i) => ({
        guid: i.guid,
        title: i.title,
        link: i.link,
        description: i.description ?? `${i.title}. More details inside.`,
        date: new Date(now - (i.minutesAgo ?? 10) * 60_000).toUTCString(),
      })),
    );
    this.feeds.set(`/${outlet}.xml`, { body });
  }

  addItem(outlet: string, item: FeedItem): void {
    this.setItems(outlet, [item, ...(this.items.get(outlet) ?? [])]);
  }

  config(): Config {
    const quality: Record<string, number> = { techspot: 70, decrypt: 50, pcgamer: 60 };
    return {
      topics: TOPICS,
      feeds: this.outlets.map((o) =>
        feedSchema.parse({
          id: o,
          url: this.feeds.url(`/${o}.xml`),
          provider: o.toUpperCase(),
          quality: quality[o],
          topics: [],
        }),
      ),
      settings: settingsSchema.parse({
        poll: { interval: 0, timeout: "5s", backoffBase: "1s" },
        discord: { editDebounce: 0 },
      }),
    };
  }

  async startApp(): Promise<App> {
    this.store = await openStore(this.storeUrl);
    this.app = await App.start({
      env: { DISCORD_API_URL: this.discord.apiUrl, SHARD_COUNT: undefined, SHARD_IDS: undefined },
      config: this.config(),
      log: silentLogger,
      store: this.store,
      token: this.discord.token,
      schedule: false,
      deliveryIntervalMs: 50,
      deliveryRetry: { baseMs: 100, maxMs: 1_000 },
      syncCommands: { guildId: this.guildId },
      clientOverrides: { rest: { api: this.discord.apiUrl, timeout: 3_000, retries: 2 }, waitGuildTimeout: 50 },
    });
    return this.app;
  }

  async stopApp(): Promise<void> {
    await this.app?.stop();
    await this.store?.close();
    this.app = null;
    this.store = null;
  }

  /** Waits until the outbox is empty (deliveries done) or the timeout passes. */
  async settle(timeoutMs = 8_000): Promise<void> {
    const app = this.app;
    if (!app) return;
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      await app.deliverer.drain();
      if ((await app.outbox.depth()) === 0) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`outbox not drained after ${timeoutMs} ms: ${await app.outbox.depth()} left`);
  }

  /** Story posts (by the bot, not interaction replies) in a channel. */
  posts(channel: string) {
    const botId = this.discord.botUser.id;
    return this.discord
      .messages(this.channels[channel]!)
      .filter((m) => m.authorId === botId && !m.interaction && m.messageReference === null);
  }

  async close(): Promise<void> {
    await this.stopApp();
    await this.discord.close();
    await this.feeds.close();
  }
}
