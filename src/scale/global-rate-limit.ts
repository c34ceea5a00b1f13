import { createHash } from "node:crypto";
import { createClient } from "@keyv/redis";
import type { RESTOptions } from "discord.js";
import { type Logger, silentLogger } from "../log.js";
import { maskUrl } from "../store/store.js";
import { EXEMPT_FROM_GLOBAL_LIMIT, LocalGcra } from "./gcra.js";

/**
 * Discord's global limit (50 requests per second) belongs to the bot token, so every process using
 * the token must share one budget. This keeps it in Redis as GCRA state (see gcra.ts): one key per
 * token holding the next request's theoretical arrival time, checked and advanced by one Lua script,
 * atomic on the server and timed by the server's clock, so hosts with skewed clocks still agree.
 *
 * Written here rather than taken from a library: the Redis limiters on npm count fixed windows (up to
 * twice the budget around a window boundary) or admit the budget in bursts, or need another client.
 */
// Returns the wait before the reserved slot (>= 0), or minus the time after which to ask again.
const TAKE_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local interval = tonumber(ARGV[1])
local tolerance = interval * (tonumber(ARGV[2]) - 1)
local max_ahead = tonumber(ARGV[3])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local wait = math.max(0, tat - tolerance - now)
if wait > max_ahead then return -math.ceil(wait - max_ahead) end
redis.call('SET', KEYS[1], string.format('%.3f', tat + interval), 'PX', math.ceil(tat + interval - now) + 1000)
return math.ceil(wait)
`;
const TAKE_SHA = createHash("sha1").update(TAKE_SCRIPT).digest("hex");

/** Redis must answer within this, or the request goes by the in-process share instead of waiting on it. */
const COMMAND_TIMEOUT_MS = 2_000;
const MAX_RECONNECT_DELAY_MS = 5_000;
/**
 * Slots are reserved at most this far ahead; a request queued behind more asks again later. Well
 * inside discord.js's 15 s request timeout, which runs while a request waits here.
 */
const MAX_AHEAD_MS = 5_000;
const MAX_LATE_RETRIES = 3;
/** Timers and replies are this late on any busy process; only lateness beyond it counts. */
const MIN_LATE_LIMIT_MS = 20;

type MakeRequest = RESTOptions["makeRequest"];
type RedisClient = ReturnType<typeof newClient>;

export interface GlobalRateLimiterOptions {
  /** redis:// or rediss:// URL shared by every process of the bot. */
  redisUrl: string;
  /** The bot token; only a hash of it is written to Redis. */
  token: string;
  /** Requests per second for all processes together; keep it under Discord's 50 for network jitter. */
  perSecond: number;
  /** Requests allowed back to back before the spacing applies (default 1: evenly spaced). */
  burst?: number;
  /**
   * This process's share of the fleet (e.g. its shards ÷ all shards), default 1. While Redis cannot be
   * reached, the process paces itself at `perSecond × share`, so the fleet together still stays under
   * the budget instead of piling up 429s (10,000 invalid requests in 10 minutes get the token banned).
   */
  fallbackShare?: number;
  /** First part of the Redis key (default "newsdesk"), like the store's prefix. */
  prefix?: string;
  log?: Logger;
  connectTimeoutMs?: number;
}

/** One process's handle on the fleet-wide budget. */
export class GlobalRateLimiter {
  private readonly key: string;
  private readonly local: LocalGcra;
  private readonly intervalMs: number;
  private readonly lateLimitMs: number;
  private readonly log: Logger;
  private connected = false;
  private lastFallbackWarning = 0;
  /** Requests that waited for the budget, and the total time they waited: for logs and benchmarks. */
  readonly waits = { count: 0, totalMs: 0 };

  private constructor(
    private readonly client: RedisClient,
    private readonly options: GlobalRateLimiterOptions,
  ) {
    const tokenHash = createHash("sha256").update(options.token).digest("hex").slice(0, 16);
    this.key = `${options.prefix ?? "newsdesk"}.ratelimit.global:${tokenHash}`;
    this.intervalMs = 1_000 / options.perSecond;
    this.lateLimitMs = Math.max(3 * this.intervalMs, MIN_LATE_LIMIT_MS);
    const share = Math.min(1, Math.max(0, options.fallbackShare ?? 1));
    this.local = new LocalGcra({
      intervalMs: 1_000 / Math.max(share * options.perSecond, 1),
      burst: options.burst,
      maxAheadMs: MAX_AHEAD_MS,
    });
    this.log = options.log ?? silentLogger;
  }

  /** Connects to Redis; rejects with a clear message when it cannot be reached at start-up. */
  static async connect(options: GlobalRateLimiterOptions): Promise<GlobalRateLimiter> {
    if (!(options.perSecond >= 1)) throw new RangeError("the global rate limit must be at least 1 request per second");
    let limiter: GlobalRateLimiter | undefined;
    const client = newClient(options, () => limiter?.connected === true);
    limiter = new GlobalRateLimiter(client, options);
    const self = limiter;
    client.on("error", () => {
      // Reported where a take fails (once a minute); without a listener the event would crash the process.
    });
    client.on("ready", () => {
      self.connected = true;
    });
    try {
      await client.connect();
      // Loaded once, so requests never meet NOSCRIPT (and a retry with the whole script) in a burst.
      await client.scriptLoad(TAKE_SCRIPT);
    } catch (err) {
      if (client.isOpen) client.destroy();
      throw new Error(
        `cannot reach Redis for the shared Discord rate limit (${maskUrl(options.redisUrl)}): ${(err as Error).message}`,
      );
    }
    return limiter;
  }

  /** Resolves when a request may be sent: at once while the fleet is under budget, later otherwise. */
  async acquire(signal?: AbortSignal): Promise<void> {
    const started = Date.now();
    let slept = false;
    let lateRetries = 0;
    for (;;) {
      signal?.throwIfAborted();
      const asked = Date.now();
      const { reserved, waitMs } = await this.reserve();
      if (waitMs > 0) {
        slept = true;
        await sleep(waitMs, signal);
      }
      if (!reserved) continue;
      // Woken (or answered) well after the slot, by a busy event loop: sending now would bunch this
      // request with the ones due now. Take a fresh slot instead, a few times at most. Sends stay
      // within `lateLimitMs` of their slots, so any second holds at most budget + 3 + 1 of them.
      const lateMs = Date.now() - (asked + waitMs);
      if (lateMs > this.lateLimitMs && lateRetries < MAX_LATE_RETRIES) {
        lateRetries++;
        continue;
      }
      break;
    }
    if (slept) {
      this.waits.count++;
      this.waits.totalMs += Date.now() - started;
    }
  }

  /**
   * discord.js's `rest.makeRequest`, waiting for the shared budget before each request Discord counts
   * (discord.js calls it once per attempt, so retries are counted too).
   */
  wrap(makeRequest: MakeRequest): MakeRequest {
    return async (url, init) => {
      if (!EXEMPT_FROM_GLOBAL_LIMIT.test(url)) await this.acquire(init.signal ?? undefined);
      return makeRequest(url, init);
    };
  }

  async close(): Promise<void> {
    this.connected = false;
    if (this.client.isOpen) await this.client.close().catch(() => this.client.destroy());
  }

  /** A slot of the shared schedule, or when to ask again. */
  private async reserve(): Promise<{ reserved: boolean; waitMs: number }> {
    const burst = String(this.options.burst ?? 1);
    const args = { keys: [this.key], arguments: [String(this.intervalMs), burst, String(MAX_AHEAD_MS)] };
    try {
      const reply = await withTimeout(
        this.client.evalSha(TAKE_SHA, args).catch((err: Error) => {
          // Redis restarted and forgot the script: run it whole (which loads it again).
          if (!/NOSCRIPT/.test(err.message)) throw err;
          return this.client.eval(TAKE_SCRIPT, args);
        }),
        COMMAND_TIMEOUT_MS,
      );
      const wait = Number(reply);
      return wait >= 0 ? { reserved: true, waitMs: wait } : { reserved: false, waitMs: -wait };
    } catch (err) {
      // Redis down: keep posting within this process's share of the budget rather than stop;
      // Discord's own 429s, which discord.js honours, remain the backstop.
      const now = Date.now();
      if (now - this.lastFallbackWarning > 60_000) {
        this.lastFallbackWarning = now;
        this.log.warn({ err: (err as Error).message }, "shared rate limit unavailable; pacing this process alone");
      }
      return this.local.reserve(now);
    }
  }
}

function newClient(options: GlobalRateLimiterOptions, wasConnected: () => boolean) {
  return createClient({
    url: options.redisUrl,
    name: "newsdesk-ratelimit",
    // A request must not queue behind a dead connection: it falls back to the in-process budget.
    disableOfflineQueue: true,
    socket: {
      connectTimeout: options.connectTimeoutMs ?? 3_000,
      // Fail at once on a wrong URL at start-up; once connected, reconnect with a capped backoff.
      reconnectStrategy: (retries: number) =>
        wasConnected() ? Math.min(100 * 2 ** retries, MAX_RECONNECT_DELAY_MS) : false,
    },
  });
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener("abort", abort);
      resolve();
    }
    function abort() {
      clearTimeout(timer);
      reject(signal?.reason);
    }
    signal?.addEventListener("abort", abort, { once: true });
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
