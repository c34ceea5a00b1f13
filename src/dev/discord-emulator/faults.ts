import type { RateLimited } from "./rate-limits.js";

/**
 * Which requests a fault applies to: all (undefined or empty), or those matching any entry: a route
 * template (`"/channels/:channel_id/messages"`), the same with a method (`"POST /channels/…"`),
 * a path prefix (`"/channels/123"`), or a regular expression tested on `"METHOD /path"`.
 */
export type RouteFilter = ReadonlyArray<string | RegExp> | undefined;

export interface StormOptions {
  /** Refuse this many requests… */
  count?: number;
  /** …or every request for this long. */
  durationMs?: number;
  routes?: RouteFilter;
  /** What `Retry-After` tells the client (default 100 ms). */
  retryAfterMs?: number;
  /** Answer as the global limit (`X-RateLimit-Global`) rather than a route bucket. */
  global?: boolean;
}

interface Storm {
  remaining: number;
  until: number;
  routes: RouteFilter;
  retryAfterMs: number;
  global: boolean;
}

interface Failure {
  remaining: number;
  status: number;
  routes: RouteFilter;
}

/** The request a fault is matched against. */
export interface FaultTarget {
  method: string;
  route: string;
  path: string;
}

function matches(filter: RouteFilter, t: FaultTarget): boolean {
  if (!filter || filter.length === 0) return true;
  return filter.some((f) => {
    if (typeof f !== "string") return f.test(`${t.method} ${t.path}`);
    const space = f.indexOf(" ");
    const [method, pattern] = space > 0 ? [f.slice(0, space).toUpperCase(), f.slice(space + 1)] : [null, f];
    if (method !== null && method !== t.method) return false;
    return pattern === t.route || t.path.startsWith(pattern);
  });
}

/** Faults a test asks for, consumed by the requests they match, in order. */
export class FaultInjector {
  readonly #storms: Storm[] = [];
  readonly #failures: Failure[] = [];

  rateLimitStorm(options: StormOptions): void {
    this.#storms.push({
      remaining: options.count ?? Number.POSITIVE_INFINITY,
      until: options.durationMs !== undefined ? Date.now() + options.durationMs : Number.POSITIVE_INFINITY,
      routes: options.routes,
      retryAfterMs: options.retryAfterMs ?? 100,
      global: options.global ?? false,
    });
  }

  failNext(count: number, status: number, routes?: RouteFilter): void {
    this.#failures.push({ remaining: count, status, routes });
  }

  /** A planned 429 for this request, if a storm covers it. */
  takeStorm(target: FaultTarget, now: number): RateLimited | null {
    for (const storm of this.#storms) {
      if (storm.remaining <= 0 || now >= storm.until || !matches(storm.routes, target)) continue;
      storm.remaining--;
      return {
        retryAfterMs: storm.retryAfterMs,
        global: storm.global,
        scope: storm.global ? "global" : "shared",
        reason: "injected",
      };
    }
    return null;
  }

  /** A planned server error for this request, if one is pending. */
  takeFailure(target: FaultTarget): number | null {
    for (const failure of this.#failures) {
      if (failure.remaining <= 0 || !matches(failure.routes, target)) continue;
      failure.remaining--;
      return failure.status;
    }
    return null;
  }
}
