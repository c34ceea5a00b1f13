import { DefaultRestOptions, type RESTOptions } from "discord.js";
import type { Logger } from "../log.js";
import { parseStoreUrl } from "../store/store-url.js";
import { GlobalRateLimiter } from "./global-rate-limit.js";

export interface SharedRestOptions {
  apiUrl: string;
  token: string;
  /** RATE_LIMIT_REDIS_URL; when unset, STORE_URL if it is a Redis URL. */
  rateLimitRedisUrl?: string;
  storeUrl: string;
  /** settings discord.globalRateLimit: requests per second for the whole fleet. */
  perSecond: number;
  /** This process's shards and the fleet's count, to size its share while Redis is away. */
  shards?: { ids?: number[]; count?: number };
  log: Logger;
}

export interface SharedRest {
  /** discord.js REST options: the API base, the budget, and the shared limiter when there is one. */
  rest: Partial<RESTOptions>;
  /** Where the budget is kept, for the start-up log. */
  scope: "redis" | "process";
  close(): Promise<void>;
}

/**
 * The REST options of one bot process. With Redis (RATE_LIMIT_REDIS_URL, or a redis:// STORE_URL)
 * the global budget is shared by every process of the token; without it, each process keeps the
 * budget to itself (discord.js's own limiter), which is right for one process and, for several,
 * needs a REST proxy in front of Discord (DISCORD_API_URL) instead.
 */
export async function connectSharedRest(options: SharedRestOptions): Promise<SharedRest> {
  const rest: Partial<RESTOptions> = { api: options.apiUrl, globalRequestsPerSecond: options.perSecond };
  const redis = redisFor(options);
  if (!redis) return { rest, scope: "process", close: async () => {} };
  const limiter = await GlobalRateLimiter.connect({
    redisUrl: redis.url,
    prefix: redis.prefix,
    token: options.token,
    perSecond: options.perSecond,
    fallbackShare: shareOf(options.shards),
    log: options.log,
  });
  return {
    rest: { ...rest, makeRequest: limiter.wrap(DefaultRestOptions.makeRequest) },
    scope: "redis",
    close: () => limiter.close(),
  };
}

function redisFor(options: SharedRestOptions): { url: string; prefix?: string } | undefined {
  const explicit = options.rateLimitRedisUrl;
  const source = explicit ?? options.storeUrl;
  const parsed = parseStoreUrl(source);
  if (parsed.scheme !== "redis" && parsed.scheme !== "rediss") return undefined;
  return { url: parsed.target, prefix: parsed.prefix };
}

/** A process running 2 of 8 shards gets a quarter of the budget; without shard ranges, all of it. */
function shareOf(shards: SharedRestOptions["shards"]): number {
  if (!shards?.ids || !shards.count) return 1;
  return Math.min(1, shards.ids.length / shards.count);
}
