import { createHash } from "node:crypto";

/** A bucket's allowance: `limit` requests per `windowMs`. */
export interface RouteLimit {
  limit: number;
  windowMs: number;
}

/** What one request is, for rate limiting: who sent it and which bucket it falls in. */
export interface RateLimitKey {
  /** The bot token, or null for unauthenticated routes (interaction callbacks, webhooks). */
  token: string | null;
  method: string;
  /** The route template, e.g. `/channels/:channel_id/messages`. */
  route: string;
  /** Discord's major parameter (channel, guild or webhook id): buckets are per route AND per major. */
  major: string;
}

export type RateLimitReason = "global" | "route" | "injected";

export interface RateLimited {
  retryAfterMs: number;
  global: boolean;
  scope: "user" | "global" | "shared";
  reason: RateLimitReason;
}

interface Window {
  start: number;
  count: number;
}

/** Seconds with millisecond precision, the way Discord writes `X-RateLimit-Reset-After`. */
const seconds = (ms: number) => (Math.max(0, ms) / 1000).toFixed(3);

/**
 * Discord's two REST limits: a global allowance per bot token (counted across every connection
 * and process using the token, since the emulator sees all their traffic), and per-route buckets
 * keyed by route and major parameter, announced in `X-RateLimit-*` headers on every answer.
 */
export class RateLimiter {
  readonly #global = new Map<string, Window>();
  readonly #buckets = new Map<string, Window>();

  constructor(
    private readonly options: {
      globalPerSecond: number;
      limitFor: (method: string, route: string) => RouteLimit | null;
    },
  ) {}

  /**
   * Counts the request and returns the bucket headers to send, plus why it must be refused if it
   * must. A refused request still counts, as on Discord.
   */
  take(key: RateLimitKey, now: number): { headers: Record<string, string>; limited?: RateLimited } {
    const headers: Record<string, string> = {};
    if (key.token !== null) {
      const w = windowAt(this.#global, key.token, now, 1000);
      w.count++;
      if (w.count > this.options.globalPerSecond) {
        return {
          headers,
          limited: { retryAfterMs: w.start + 1000 - now, global: true, scope: "global", reason: "global" },
        };
      }
    }
    const limit = this.options.limitFor(key.method, key.route);
    if (!limit) return { headers };
    const bucketId = `${key.token ?? "-"}|${key.method} ${key.route}|${key.major}`;
    const w = windowAt(this.#buckets, bucketId, now, limit.windowMs);
    w.count++;
    const resetAfter = w.start + limit.windowMs - now;
    headers["x-ratelimit-limit"] = String(limit.limit);
    headers["x-ratelimit-remaining"] = String(Math.max(0, limit.limit - w.count));
    headers["x-ratelimit-reset"] = seconds(w.start + limit.windowMs);
    headers["x-ratelimit-reset-after"] = seconds(resetAfter);
    headers["x-ratelimit-bucket"] = bucketHash(key.method, key.route);
    if (w.count > limit.limit) {
      return { headers, limited: { retryAfterMs: resetAfter, global: false, scope: "user", reason: "route" } };
    }
    return { headers };
  }
}

function windowAt(map: Map<string, Window>, key: string, now: number, windowMs: number): Window {
  let w = map.get(key);
  if (!w || now >= w.start + windowMs) {
    w = { start: now, count: 0 };
    map.set(key, w);
  }
  return w;
}

const hashes = new Map<string, string>();

/** Stable opaque bucket id per route, like the hashes Discord sends (computed once per route). */
function bucketHash(method: string, route: string): string {
  const key = `${method} ${route}`;
  let hash = hashes.get(key);
  if (hash === undefined) {
    hash = createHash("md5").update(key).digest("hex");
    hashes.set(key, hash);
  }
  return hash;
}

/** The headers and body of a 429, as Discord sends them (the header is what discord.js waits on). */
export function tooManyRequests(limited: RateLimited): {
  headers: Record<string, string>;
  body: Record<string, unknown>;
} {
  const retryAfter = Math.max(limited.retryAfterMs, 1) / 1000;
  const headers: Record<string, string> = {
    "retry-after": String(retryAfter),
    "x-ratelimit-scope": limited.scope,
  };
  if (limited.global) headers["x-ratelimit-global"] = "true";
  return {
    headers,
    body: { message: "You are being rate limited.", retry_after: retryAfter, global: limited.global, code: 0 },
  };
}

/** Counters a test or benchmark reads: how hard the bot pushed and what it was refused. */
export class TrafficStats {
  requests = 0;
  peakRequestsPerSecond = 0;
  readonly rateLimited: Record<RateLimitReason, number> = { global: 0, route: 0, injected: 0 };
  injectedServerErrors = 0;
  /** 401, 403 and 429 answers: Discord bans an IP for a while after 10,000 of these in 10 minutes. */
  invalidRequests = 0;
  /** Arrival times within the last second (a sliding window, so a burst is not split at a second boundary). */
  #recent: number[] = [];

  count(now: number): void {
    this.requests++;
    this.#recent.push(now);
    let drop = 0;
    while (drop < this.#recent.length && this.#recent[drop]! <= now - 1000) drop++;
    if (drop > 0) this.#recent.splice(0, drop);
    this.peakRequestsPerSecond = Math.max(this.peakRequestsPerSecond, this.#recent.length);
  }

  snapshot() {
    return {
      requests: this.requests,
      peakRequestsPerSecond: this.peakRequestsPerSecond,
      rateLimited: { ...this.rateLimited },
      injectedServerErrors: this.injectedServerErrors,
      invalidRequests: this.invalidRequests,
    };
  }
}
