import { z } from "zod";
import { parseDuration } from "../util/duration.js";

/** "15m", "72h" or a number of milliseconds. */
export const duration = z.union([z.string(), z.number().nonnegative()]).transform((value, ctx) => {
  const ms = typeof value === "number" ? value : parseDuration(value);
  if (ms === null) {
    ctx.addIssue({
      code: "custom",
      message: `"${value}" is not a duration; write it like "90s", "15m", "72h" or "2d"`,
    });
    return z.NEVER;
  }
  return ms;
});

/** "5MB", "512kB" or a number of bytes. */
export const byteSize = z.union([z.string(), z.number().int().positive()]).transform((value, ctx) => {
  if (typeof value === "number") return value;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$/i.exec(value);
  if (!m) {
    ctx.addIssue({ code: "custom", message: `"${value}" is not a size; write it like "5MB" or "512kB"` });
    return z.NEVER;
  }
  const unit = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }[(m[2] ?? "b").toLowerCase() as "b"];
  return Math.round(Number(m[1]) * unit);
});

const slug = z
  .string()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'use lower-case letters, digits and dashes, like "ai-hardware"');

/**
 * A keyword rule: a word or phrase matched case-insensitively on word boundaries ("H100", "neural engine"),
 * or a regular expression written between slashes ("/\\brtx ?50\\d0\\b/").
 */
const keyword = z.string().min(1, "a keyword cannot be empty");

export const feedSchema = z.object({
  id: slug,
  url: z.url({ protocol: /^https?$/, message: "must be an http:// or https:// URL" }),
  provider: z.string().min(1).optional(),
  topics: z.array(slug).default([]),
  quality: z.number().min(0).max(100).default(50),
  interval: duration.optional(),
  enabled: z.boolean().default(true),
});

export const feedsFileSchema = z.object({
  feeds: z.array(feedSchema).min(1, "list at least one feed"),
});

export const topicSchema = z.object({
  slug,
  name: z.string().min(1),
  description: z.string().min(1),
  color: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/, 'write the colour as "#rrggbb"')
    .transform((hex) => Number.parseInt(hex.slice(1), 16)),
  /** An article whose title or excerpt matches any of these is tagged with the topic. */
  keywords: z.array(keyword).default([]),
  /** Curation: when not empty, a story is posted to this topic only if its text matches one of these. */
  allow: z.array(keyword).default([]),
  /** Curation: a story whose text matches any of these is never posted to this topic. */
  block: z.array(keyword).default([]),
  /** Curation: stories below this quality are not posted to this topic (overrides the global minimum). */
  minQuality: z.number().min(0).max(100).optional(),
});

export const topicsFileSchema = z.object({
  topics: z.array(topicSchema).min(1, "list at least one topic"),
});

export const settingsSchema = z.object({
  poll: z
    .object({
      /** node-cron expression for the poll tick; each tick polls the feeds that are due. */
      schedule: z.string().default("*/5 * * * *"),
      /** How often a feed is due when it sets no interval of its own. */
      interval: duration.prefault("15m"),
      concurrency: z.number().int().min(1).max(256).default(16),
      perHost: z.number().int().min(1).max(2).default(2),
      connectTimeout: duration.prefault("10s"),
      timeout: duration.prefault("30s"),
      maxBytes: byteSize.prefault("5MB"),
      maxRedirects: z.number().int().min(0).max(5).default(5),
      backoffBase: duration.prefault("5m"),
      backoffMax: duration.prefault("12h"),
      /** Consecutive failures after which a feed is disabled until an operator re-enables it. */
      disableAfter: z.number().int().min(1).default(20),
      /** Items older than this are never emitted. */
      maxItemAge: duration.prefault("48h"),
      /** On a feed's first poll, emit its newest N items (0: only record what is there). */
      backfill: z.number().int().min(0).default(0),
      /** Several processes: how long a dead poll leader keeps the schedule before another takes it over. */
      leaderLease: duration.refine((ms) => ms >= 1_000, { message: 'at least "1s"' }).prefault("30s"),
    })
    .prefault({}),
  stories: z
    .object({
      /** Articles are grouped with stories first seen within this window. */
      window: duration.prefault("72h"),
      /** Stories below this quality are not posted. */
      minQuality: z.number().min(0).max(100).default(0),
      /** A story first seen longer ago than this is never posted. */
      maxPostAge: duration.prefault("24h"),
    })
    .prefault({}),
  publish: z
    .object({
      /** Deliveries sent at once; Discord's rate limits still pace them. */
      concurrency: z.number().int().min(1).max(256).default(32),
      /**
       * How long a worker holds a delivery it claimed. A crashed worker's deliveries wait this long;
       * a slow one overtaken by another is still posted once, thanks to Discord's message nonce.
       */
      claimLease: duration.prefault("30s"),
      retryBase: duration.prefault("5s"),
      retryMax: duration.prefault("30m"),
      /** Transient failures before a delivery is given up and set aside. */
      maxAttempts: z.number().int().min(1).default(12),
    })
    .prefault({}),
  discord: z
    .object({
      relatedEmoji: z.string().min(1).default("🔗"),
      /** At most one edit of a story post per this interval. */
      editDebounce: duration.prefault("60s"),
      newsDefaultCount: z.number().int().min(1).max(10).default(5),
      /** REST requests per second for all processes of the bot token together (Discord allows 50). */
      globalRateLimit: z.number().int().min(1).default(47),
    })
    .prefault({}),
});

export type FeedConfig = z.infer<typeof feedSchema>;
export type TopicConfig = z.infer<typeof topicSchema>;
export type Settings = z.infer<typeof settingsSchema>;

export interface Config {
  feeds: FeedConfig[];
  topics: TopicConfig[];
  settings: Settings;
}
