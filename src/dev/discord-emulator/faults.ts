import type { RateLimited } from "./rate-limits.js";

/** Which requests a fault applies to: all, or those whose route template or path matches. */
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

function matches(filter: RouteFilter, route: string, path: string): boolean {
  if (!filter || filter.length === 0) return true;
  return filter.some((f) => (typeof f === "string" ? f === route || path.startsWith(f) : f.test(path)));
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
  takeStorm(route: string, path: string, now: number): RateLimited | null {
    for (const storm of this.#storms) {
      if (storm.remaining <= 0 || now >= storm.until || !matches(storm.routes, route, path)) continue;
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
  takeFailure(route: string, path: string): number | null {
    for (const failure of this.#failures) {
      if (failure.remaining <= 0 || !matches(failure.routes, route, path)) continue;
      failure.remaining--;
      return failure.status;
    }
    return null;
  }
}
