import type { ClientOptions } from "discord.js";
import { Events, Status } from "discord.js";
import type { Dispatcher } from "undici";
import { commandDefinitions, messageMenuCommands, slashCommands } from "../commands/index.js";
import type { Env } from "./config/env.js";
import type { Config } from "./config/schema.js";
import { createDiscordClient, type WiredBot, wireBot } from "./discord/bot.js";
import { deployCommands } from "./discord/deploy.js";
import { describeMissing, missingPermissions, POSTING_PERMISSIONS } from "./discord/permissions.js";
import { RelatedCoverage } from "./discord/related.js";
import type { BotServices, FeedHealthRow } from "./discord/services.js";
import { DiscordStorySink } from "./discord/sink.js";
import type { Article } from "./feeds/article.js";
import { FeedStateStore } from "./feeds/feed-state.js";
import { type CycleResult, Poller } from "./feeds/poller.js";
import type { Logger } from "./log.js";
import type { HealthReport } from "./ops/http.js";
import { Metrics } from "./ops/metrics.js";
import { Deliverer, type DeliveryOutcome } from "./publish/deliverer.js";
import { Fanout } from "./publish/fanout.js";
import { Outbox } from "./publish/outbox.js";
import { PostRecords } from "./publish/posts.js";
import { Subscriptions } from "./publish/subscriptions.js";
import { startCoordinatedPolling } from "./scale/coordinated-polling.js";
import type { StoreRunCoordinator } from "./scale/run-coordinator.js";
import { sharedStoryReader } from "./scale/shared-story.js";
import type { Store } from "./store/store.js";
import { Stories } from "./stories/stories.js";
import type { StoryEvent } from "./stories/types.js";
import { compileTopicRules } from "./topics/rules.js";

export interface AppOptions {
  env: Pick<Env, "DISCORD_API_URL" | "SHARD_COUNT" | "SHARD_IDS">;
  config: Config;
  log: Logger;
  store: Store;
  token: string;
  /** Run polls on the cron schedule (default). Tests and the demo drive `pollOnce` themselves. */
  schedule?: boolean;
  /** How often the outbox is drained for retries and debounced edits. */
  deliveryIntervalMs?: number;
  /** Retry pacing of failed deliveries (tests shorten it). */
  deliveryRetry?: { baseMs: number; maxMs: number };
  /** discord.js options for tests (low timeouts). */
  clientOverrides?: Partial<ClientOptions>;
  /** HTTP pool for feeds (tests). */
  dispatcher?: Dispatcher;
  now?: () => Date;
  /** Register the slash commands after connecting when they changed (guild-scoped when a guild is given). */
  syncCommands?: { guildId?: string };
  /** Observers, for metrics and the demo transcript. */
  onDelivery?: (outcome: DeliveryOutcome, delivery: { storyId: string; channelId: string }) => void;
  onStoryEvents?: (events: StoryEvent[]) => void;
}

/**
 * The composition root: feeds → stories → outbox → Discord. Each stage is built here and handed only
 * what it needs; nothing below src/discord/ knows about Discord.
 */
export class App {
  private pipeline: Promise<unknown> = Promise.resolve();
  private stopped = false;
  private pollCoordinator: StoreRunCoordinator | null = null;
  private wired: WiredBot | null = null;

  private constructor(
    readonly options: AppOptions,
    readonly client: ReturnType<typeof createDiscordClient>,
    readonly stories: Stories,
    readonly subscriptions: Subscriptions,
    readonly posts: PostRecords,
    readonly outbox: Outbox,
    readonly deliverer: Deliverer,
    readonly poller: Poller,
    readonly fanout: Fanout,
    readonly metrics: Metrics,
    /** For /healthz. */
    readonly health: () => Promise<HealthReport>,
  ) {}

  static async start(options: AppOptions): Promise<App> {
    const { config, store, log } = options;
    const now = options.now ?? (() => new Date());
    const topicRules = compileTopicRules(config.topics);
    const topicsBySlug = new Map(config.topics.map((t) => [t.slug, t]));
    const topics = (slug: string) => topicsBySlug.get(slug);

    const stories = await Stories.open({
      store,
      topics: topicRules,
      settings: config.settings.stories,
      now,
      log: log.child({ stage: "stories" }),
    });
    const subscriptions = new Subscriptions(store, now);
    const posts = new PostRecords(store);
    const outbox = new Outbox(store, () => now().getTime());
    const metrics = new Metrics(() => outbox.depth());
    const client = createDiscordClient({
      apiUrl: options.env.DISCORD_API_URL,
      shards: options.env.SHARD_IDS,
      shardCount: options.env.SHARD_COUNT,
      globalRequestsPerSecond: config.settings.discord.globalRateLimit,
      overrides: options.clientOverrides,
    });
    const sink = new DiscordStorySink({
      rest: client.rest,
      topics,
      relatedEmoji: config.settings.discord.relatedEmoji,
      botUserId: () => client.user?.id,
      explainForbidden: (channelId) => {
        const channel = client.channels.cache.get(channelId);
        if (!channel || !("guild" in channel)) return undefined;
        const missing = missingPermissions(channel, POSTING_PERMISSIONS);
        return missing === "unknown" || missing.length === 0 ? undefined : describeMissing(missing);
      },
    });
    const deliverer = new Deliverer({
      outbox,
      posts,
      subscriptions,
      sink,
      getStory: sharedStoryReader(store, (id) => stories.get(id)),
      editDebounceMs: config.settings.discord.editDebounce,
      log: log.child({ stage: "publish" }),
      now: () => now().getTime(),
      onOutcome: (outcome, d) => {
        metrics.delivery(outcome);
        options.onDelivery?.(outcome, d);
      },
      concurrency: config.settings.publish.concurrency,
      leaseMs: config.settings.publish.claimLease,
      maxAttempts: config.settings.publish.maxAttempts,
      retryBaseMs: options.deliveryRetry?.baseMs ?? config.settings.publish.retryBase,
      retryMaxMs: options.deliveryRetry?.maxMs ?? config.settings.publish.retryMax,
    });
    const fanout = new Fanout({
      subscriptions,
      posts,
      outbox,
      postableTopics: (s) => stories.postableTopics(s),
      maxPostAgeMs: config.settings.stories.maxPostAge,
      log: log.child({ stage: "publish" }),
      now: () => now().getTime(),
    });

    let app: App | undefined;
    let lastPollAt: string | null = null;
    const poller = new Poller({
      store,
      feeds: config.feeds,
      topics: topicRules,
      settings: config.settings.poll,
      logger: log.child({ stage: "feeds" }),
      now,
      dispatcher: options.dispatcher,
      onArticles: (articles) => app?.ingest(articles),
      onCycle: (result) => {
        metrics.cycle(result);
        lastPollAt = result.finishedAt;
      },
    });
    app = new App(
      options,
      client,
      stories,
      subscriptions,
      posts,
      outbox,
      deliverer,
      poller,
      fanout,
      metrics,
      async () => {
        const store = await options.store.ping().then(
          () => true,
          () => false,
        );
        return { gateway: client.isReady() && client.ws.status === Status.Ready, store, lastPollAt };
      },
    );
    client.rest.on("rateLimited", (info) => metrics.rateLimited(info.global));

    const related = new RelatedCoverage({
      rest: client.rest,
      store,
      posts,
      stories,
      topics,
      log: log.child({ stage: "related" }),
      now: () => now().getTime(),
    });
    const services: BotServices = {
      config,
      topics,
      subscriptions,
      stories,
      posts,
      related,
      feedHealth: () => feedHealthRows(store, config),
      dropDeliveries: async (channelId) => {
        await outbox.dropChannel(channelId);
      },
      log,
    };
    app.wired = wireBot(client, {
      services,
      slashCommands,
      messageMenuCommands,
      related,
      onChannelGone: async (channelId) => {
        if (await subscriptions.removeChannel(channelId))
          log.info({ channel: channelId }, "channel deleted; unsubscribed");
        await outbox.dropChannel(channelId);
      },
      onGuildGone: async (guildId) => {
        const subs = await subscriptions.forGuild(guildId);
        await subscriptions.removeGuild(guildId);
        for (const s of subs) await outbox.dropChannel(s.channelId);
        log.info({ guild: guildId, channels: subs.length }, "removed from guild; unsubscribed");
      },
    });

    const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
    await client.login(options.token);
    await ready;
    log.info({ user: client.user?.tag, guilds: client.guilds.cache.size }, "connected to Discord");
    if (options.syncCommands && client.application) {
      const result = await deployCommands(
        client.rest,
        client.application.id,
        commandDefinitions(),
        options.syncCommands.guildId,
      );
      log.info(result, result.changed ? "slash commands registered" : "slash commands up to date");
    }

    deliverer.start(options.deliveryIntervalMs ?? 2_000);
    if (options.schedule !== false) {
      app.pollCoordinator = startCoordinatedPolling({
        poller,
        stories,
        store,
        leaseMs: config.settings.poll.leaderLease,
        log: log.child({ stage: "feeds" }),
      });
    }
    return app;
  }

  /** Articles → stories → deliveries, one batch at a time (grouping is order-sensitive). */
  ingest(articles: Article[]): Promise<void> {
    const run = this.pipeline.then(async () => {
      const events = await this.stories.ingest(articles);
      if (events.length === 0) return;
      this.metrics.storyEvents(events);
      this.options.onStoryEvents?.(events);
      await this.fanout.handle(events);
      this.deliverer.kick();
    });
    this.pipeline = run.catch((err) => this.options.log.error({ err }, "story pipeline failed"));
    return run;
  }

  /** One poll cycle now, and its articles through the pipeline. */
  async pollOnce(): Promise<CycleResult> {
    const result = await this.poller.runCycle();
    await this.pipeline;
    return result;
  }

  /** Stops polling, lets deliveries in flight finish (the rest stay queued), closes the gateway. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.poller.close();
    await this.pollCoordinator?.close().catch((err) => this.options.log.warn({ err }, "poll lease not handed back"));
    await this.pipeline;
    await this.deliverer.stop();
    await this.client.destroy();
    // No new events come after destroy; let the ones being handled finish their store writes.
    await this.wired?.drain(5_000);
  }
}

/** `/feeds` rows from the persisted feed health. */
export async function feedHealthRows(store: Store, config: Config): Promise<FeedHealthRow[]> {
  const state = new FeedStateStore(store);
  const healths = await state.health.getMany(config.feeds.map((f) => f.id));
  return config.feeds.map((feed, i) => {
    const h = healths[i];
    return {
      id: feed.id,
      provider: feed.provider ?? h?.title ?? feed.id,
      url: feed.url,
      status: !feed.enabled ? "disabled" : !h?.lastCheckedAt ? "new" : h.status,
      lastSuccessAt: h?.lastSuccessAt ?? undefined,
      lastError: h?.lastError ?? undefined,
      consecutiveFailures: h?.consecutiveFailures ?? 0,
      nextDueAt: h?.nextDueAt,
      disabledReason: !feed.enabled ? "disabled in feeds.yaml" : (h?.disabledReason ?? undefined),
    };
  });
}
