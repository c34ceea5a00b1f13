import { randomUUID } from "node:crypto";
import cron, { type RunCoordinator, type ScheduledTask } from "node-cron";
import type { Dispatcher } from "undici";
import { ConfigError } from "../config/load.js";
import type { FeedConfig, Settings, TopicConfig } from "../config/schema.js";
import { type Logger, silentLogger } from "../log.js";
import type { Store } from "../store/store.js";
import type { TopicMatcher } from "../topics/rules.js";
import type { Article } from "./article.js";
import { type FeedError, toFeedError } from "./errors.js";
import {
  type FeedHealth,
  FeedStateStore,
  isDue,
  newHealth,
  recordFailure,
  recordSuccess,
  type StoredSeenItems,
  seenKeys,
  updateSeen,
} from "./feed-state.js";
import { createHttpAgent, fetchFeed } from "./http.js";
import { FetchLimiter } from "./limits.js";
import { defaultParseWorkers, ParsePool } from "./parse-pool.js";
import type { ProcessedFeed } from "./process-feed.js";

export type PollSettings = Settings["poll"];

const CYCLE_LEASE = "cycle";

/** ISO 8601 UTC strings sort chronologically as plain strings (no locale rules needed). */
const byPublishedAt = (a: Article, b: Article) =>
  a.publishedAt < b.publishedAt ? -1 : a.publishedAt > b.publishedAt ? 1 : 0;

export type FeedOutcome = "new_items" | "no_new_items" | "seeded" | "not_modified" | "failed" | "skipped";

export interface FeedPollResult {
  feedId: string;
  outcome: FeedOutcome;
  articles: Article[];
  error?: FeedError;
  health?: FeedHealth;
}

export interface CycleResult {
  startedAt: string;
  finishedAt: string;
  /** Feeds that were due and polled (or tried). */
  polled: number;
  /** New articles of the cycle, oldest first. */
  articles: Article[];
  results: FeedPollResult[];
}

export interface PollerOptions {
  store: Store;
  feeds: readonly FeedConfig[];
  topics: readonly TopicConfig[] | TopicMatcher;
  settings: PollSettings;
  logger?: Logger;
  /** Receives each feed's new articles before they are recorded as seen (at-least-once delivery). */
  onArticles?: (articles: Article[], feed: FeedConfig) => void | Promise<void>;
  /** Observes every finished cycle (metrics, health). */
  onCycle?: (result: CycleResult) => void;
  now?: () => Date;
  random?: () => number;
  /** Connection pool; by default one is created (and closed by close()). */
  dispatcher?: Dispatcher;
  /** Worker threads for parsing; default: one per spare core (0 when running from TypeScript sources). */
  parseWorkers?: number;
  /**
   * A parse pool owned by the caller (who closes it), e.g. shared by successive pollers so their
   * workers stay started and compiled; by default the poller starts its own with `parseWorkers`.
   */
  parsePool?: ParsePool;
}

/**
 * The feed stage: each cycle polls the feeds that are due (fetch → decode → parse → normalize →
 * dedup), records health, and hands new Articles to `onArticles` and the cycle result. One feed's
 * failure is recorded on that feed only; the others go on.
 */
export class Poller {
  private readonly state: FeedStateStore;
  private readonly limiter: FetchLimiter;
  private readonly pool: ParsePool;
  private readonly ownsPool: boolean;
  private readonly log: Logger;
  private readonly now: () => Date;
  private readonly random: () => number;
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private readonly owner = randomUUID();
  private task: ScheduledTask | null = null;
  private running = false;

  constructor(private readonly options: PollerOptions) {
    this.state = new FeedStateStore(options.store);
    this.limiter = new FetchLimiter(options.settings.concurrency, options.settings.perHost);
    this.ownsPool = options.parsePool === undefined;
    this.pool =
      options.parsePool ??
      new ParsePool(
        options.parseWorkers ?? defaultParseWorkers(),
        options.topics,
        Math.max(30_000, options.settings.timeout),
      );
    this.log = options.logger ?? silentLogger;
    this.now = options.now ?? (() => new Date());
    this.random = options.random ?? Math.random;
    this.ownsDispatcher = options.dispatcher === undefined;
    this.dispatcher =
      options.dispatcher ??
      createHttpAgent({ connectTimeoutMs: options.settings.connectTimeout, connections: options.settings.perHost });
  }

  /**
   * Polls every enabled feed that is due; never throws for a feed's failure. When another process
   * sharing the store is running a cycle right now, this one is skipped (polled = 0).
   */
  async runCycle(): Promise<CycleResult> {
    const startedAt = this.now();
    if (this.running) {
      // A tick (or a manual run) while this process's previous cycle is still going: no doubling.
      this.log.debug("previous poll cycle still running; this one is skipped");
      const at = startedAt.toISOString();
      return { startedAt: at, finishedAt: at, polled: 0, articles: [], results: [] };
    }
    // One claim per cycle, not per feed: a second process (`poll --once` from cron beside the bot) must not
    // poll the same feeds at the same time, and per-feed claims would triple the store writes of a cycle.
    const leaseMs = Math.max(10 * 60_000, 4 * this.options.settings.timeout);
    this.running = true;
    let claimed = false;
    try {
      claimed = await this.state.leases.add(CYCLE_LEASE, this.owner, leaseMs);
    } finally {
      if (!claimed) this.running = false;
    }
    if (!claimed) {
      this.log.info("another process is running a poll cycle; this one is skipped");
      const at = startedAt.toISOString();
      return { startedAt: at, finishedAt: at, polled: 0, articles: [], results: [] };
    }
    try {
      return await this.cycle(startedAt);
    } finally {
      this.running = false;
      await this.state.leases.delete(CYCLE_LEASE).catch(() => undefined);
    }
  }

  private async cycle(startedAt: Date): Promise<CycleResult> {
    const feeds = this.options.feeds.filter((f) => f.enabled);
    const healths = await this.state.health.getMany(feeds.map((f) => f.id));
    const due = feeds
      .map((feed, i) => ({ feed, health: healths[i] }))
      .filter(({ feed, health }) => isDue(health, startedAt) || (health !== undefined && health.url !== feed.url));
    // A feed with no health record has most likely never been polled: its seen items (usually none) are
    // read here for all such feeds in one query instead of one query each after its fetch. On a cold
    // start that is every feed; on later cycles none, so warm cycles read no seen set they do not need.
    const unknown = due.filter(({ health }) => health === undefined).map(({ feed }) => feed.id);
    const seens = unknown.length > 0 ? await this.state.seen.getMany(unknown) : [];
    const seenOfUnknown = new Map(unknown.map((id, i) => [id, seens[i]]));
    const results = await Promise.all(due.map(({ feed, health }) => this.pollFeedSafely(feed, health, seenOfUnknown)));
    const articles = results.flatMap((r) => r.articles);
    articles.sort(byPublishedAt);
    const finishedAt = this.now();
    const count = (o: FeedOutcome) => results.filter((r) => r.outcome === o).length;
    this.log.info(
      {
        due: due.length,
        feeds: feeds.length,
        articles: articles.length,
        failed: count("failed"),
        notModified: count("not_modified"),
        ms: finishedAt.getTime() - startedAt.getTime(),
      },
      "poll cycle finished",
    );
    const result: CycleResult = {
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      polled: due.length,
      articles,
      results,
    };
    this.options.onCycle?.(result);
    return result;
  }

  /**
   * Runs cycles on the configured cron schedule; a cycle still running when the next tick comes is not doubled.
   * With `distributed`, each tick runs only where `runCoordinator` elects it (one process of a fleet).
   */
  start(
    options: { distributed?: boolean; runCoordinator?: RunCoordinator; distributedLease?: number } = {},
  ): ScheduledTask {
    const schedule = this.options.settings.schedule;
    if (!cron.validate(schedule)) {
      throw new ConfigError([
        `settings.yaml: poll.schedule: "${schedule}" is not a cron expression; write it like "*/5 * * * *" (every 5 minutes)`,
      ]);
    }
    this.task = cron.schedule(
      schedule,
      async () => {
        try {
          await this.runCycle();
        } catch (err) {
          // The store may be unreachable for a moment; the next tick tries again.
          this.log.error({ err }, "poll cycle failed");
        }
      },
      { noOverlap: true, name: "newsdesk-poll", ...options },
    );
    return this.task;
  }

  async close(): Promise<void> {
    await this.task?.destroy();
    this.task = null;
    if (this.ownsPool) await this.pool.close();
    if (this.ownsDispatcher) await this.dispatcher.close();
  }

  private async pollFeedSafely(
    feed: FeedConfig,
    health: FeedHealth | undefined,
    seenRead: ReadonlyMap<string, StoredSeenItems | undefined>,
  ): Promise<FeedPollResult> {
    try {
      return await this.pollFeed(feed, health, seenRead);
    } catch (err) {
      // Only store or callback errors get here (fetch and parse errors are recorded in pollFeed). The
      // items were not recorded as seen, so they come again next cycle rather than being lost.
      this.log.error({ err, feed: feed.id }, "feed poll aborted");
      return { feedId: feed.id, outcome: "skipped", articles: [] };
    }
  }

  /** `seenRead`: seen sets already read this cycle, by feed id (a feed absent from it reads its own). */
  private async pollFeed(
    feed: FeedConfig,
    previous: FeedHealth | undefined,
    seenRead: ReadonlyMap<string, StoredSeenItems | undefined>,
  ): Promise<FeedPollResult> {
    const settings = this.options.settings;
    const now = this.now();
    // A feed whose URL changed in config starts afresh (no validators, first-poll seeding again).
    let health = previous && previous.url === feed.url ? previous : newHealth(feed.id, feed.url, now);
    let processed: ProcessedFeed;
    let seen: StoredSeenItems | undefined;
    try {
      // The fetch slot is held until the body is parsed: at most `concurrency` bodies wait in memory,
      // however far fetching runs ahead of parsing.
      const fetched = await this.limiter.run(feed.url, async () => {
        const response = await fetchFeed(feed.url, {
          timeoutMs: settings.timeout,
          maxBytes: settings.maxBytes,
          maxRedirects: settings.maxRedirects,
          etag: health.etag,
          lastModified: health.lastModified,
          dispatcher: this.dispatcher,
        });
        if (response.status === "not_modified") return { response, processed: null, seen: undefined };
        const seen = seenRead.has(feed.id) ? seenRead.get(feed.id) : await this.state.seen.get(feed.id);
        const firstPoll = !seen || seen.url !== feed.url;
        const processed = await this.pool.run({
          body: response.body,
          contentType: response.contentType,
          feedId: feed.id,
          baseUrl: response.url,
          ...(feed.provider === undefined ? {} : { configuredProvider: feed.provider }),
          quality: feed.quality,
          defaultTopics: feed.topics,
          known: firstPoll || !seen ? null : seenKeys(seen),
          normalize: !firstPoll || settings.backfill > 0,
          nowMs: now.getTime(),
        });
        return { response, processed, seen };
      });
      const response = fetched.response;
      if (response.status === "not_modified" || fetched.processed === null) {
        health = recordSuccess(health, { now, intervalMs: feed.interval ?? settings.interval });
        await this.state.health.set(feed.id, health);
        return { feedId: feed.id, outcome: "not_modified", articles: [], health };
      }
      processed = fetched.processed;
      seen = fetched.seen;
      health = recordSuccess(health, {
        now,
        intervalMs: feed.interval ?? settings.interval,
        etag: response.etag,
        lastModified: response.lastModified,
        title: processed.title,
      });
    } catch (err) {
      const error = toFeedError(err);
      health = recordFailure(health, error, now, {
        backoffBaseMs: settings.backoffBase,
        backoffMaxMs: settings.backoffMax,
        disableAfter: settings.disableAfter,
        random: this.random,
      });
      const fields = {
        feed: feed.id,
        url: feed.url,
        kind: error.kind,
        status: error.details.status,
        consecutiveFailures: health.consecutiveFailures,
        nextDueAt: health.nextDueAt,
      };
      if (health.status === "disabled") this.log.error(fields, `feed disabled: ${health.disabledReason}`);
      else this.log.warn(fields, `feed failed: ${error.kind}: ${error.message}`);
      await this.state.health.set(feed.id, health);
      return { feedId: feed.id, outcome: "failed", articles: [], error, health };
    }

    const firstPoll = !seen || seen.url !== feed.url;
    const articles = this.selectNew(processed.fresh, firstPoll, now);
    if (articles.length > 0) await this.options.onArticles?.(articles, feed);
    // Recorded only after delivery: a crash in between re-emits (the story stage dedups by id) rather than loses.
    const nextSeen = updateSeen(seen, feed.url, processed.presentKeys, now.getTime());
    if (nextSeen) await this.state.seen.set(feed.id, nextSeen);
    await this.state.health.set(feed.id, health);
    if (articles.length > 0) this.log.debug({ feed: feed.id, articles: articles.length }, "new articles");
    const outcome: FeedOutcome = firstPoll ? "seeded" : articles.length > 0 ? "new_items" : "no_new_items";
    return { feedId: feed.id, outcome, articles, health };
  }

  /** New items worth emitting, oldest first: not older than maxItemAge; on a first poll only the newest `backfill`. */
  private selectNew(fresh: Article[], firstPoll: boolean, now: Date): Article[] {
    const settings = this.options.settings;
    const oldest = now.getTime() - settings.maxItemAge;
    if (firstPoll && settings.backfill === 0) return [];
    const articles = fresh.filter((a) => Date.parse(a.publishedAt) >= oldest).sort(byPublishedAt);
    return firstPoll ? articles.slice(Math.max(0, articles.length - settings.backfill)) : articles;
  }
}
