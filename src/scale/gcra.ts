import { setTimeout as sleep } from "node:timers/promises";
import type { RESTOptions } from "discord.js";

/**
 * The generic cell rate algorithm, in its reservation form: requests are spaced `intervalMs` apart
 * on average (up to `burst` back to back), and each request is given its slot at once, with how
 * long to wait for it. The state is one number, the theoretical arrival time (TAT) of the next free
 * slot, so it fits one Redis key and one atomic script (see global-rate-limit.ts).
 *
 * Why this shape:
 * - a counter per second lets twice the budget through around its reset, and even an exact sliding
 *   window admits the whole budget in one burst, whose requests then reach Discord spread by
 *   connection set-up and jitter, overlapping the next second's; even spacing keeps any one-second
 *   interval, however aligned, within `1000 / intervalMs + burst`;
 * - reserving, rather than "try again in x ms", means one round trip per request: hundreds of waiting
 *   requests do not all wake up and ask again for every slot.
 */
export interface GcraDecision {
  /** True: the slot is this request's, send it after `waitMs`. False: ask again after `waitMs`. */
  reserved: boolean;
  waitMs: number;
  /** The state to keep: the next free slot's theoretical arrival time. */
  tat: number;
}

export interface GcraOptions {
  intervalMs: number;
  /** Requests allowed back to back (default 1: evenly spaced). */
  burst?: number;
  /**
   * A slot further ahead than this is not reserved: the caller asks again later, so a request that
   * gives up meanwhile (a timeout) does not leave a hole in the schedule far ahead. Default: no limit.
   */
  maxAheadMs?: number;
}

export function gcraReserve(tat: number | undefined, now: number, options: GcraOptions): GcraDecision {
  const { intervalMs, burst = 1, maxAheadMs = Number.POSITIVE_INFINITY } = options;
  const base = Math.max(tat ?? now, now);
  const waitMs = Math.max(0, base - intervalMs * (burst - 1) - now);
  if (waitMs > maxAheadMs) return { reserved: false, waitMs: waitMs - maxAheadMs, tat: base };
  return { reserved: true, waitMs, tat: base + intervalMs };
}

/** The in-process form: one limiter's state, for when the shared one cannot be reached. */
export class LocalGcra {
  private tat: number | undefined;
  constructor(private readonly options: GcraOptions) {}

  reserve(now: number): GcraDecision {
    const decision = gcraReserve(this.tat, now, this.options);
    this.tat = decision.tat;
    return decision;
  }
}

type MakeRequest = RESTOptions["makeRequest"];

/** Discord does not count interaction callbacks and webhook executions (token in the URL) in the global limit. */
export const EXEMPT_FROM_GLOBAL_LIMIT = /\/v\d+\/(interactions|webhooks)\//;

/**
 * discord.js's `rest.makeRequest`, with the requests Discord counts spaced evenly at `perSecond` in
 * this process. discord.js's own global limiter admits its budget in bursts at the start of each of its
 * one-second windows, which jitter can push into Discord's previous window; evenly spaced requests
 * keep any one-second interval within the budget, however it is aligned.
 */
export function pacedMakeRequest(makeRequest: MakeRequest, perSecond: number): MakeRequest {
  const intervalMs = 1000 / perSecond;
  const gcra = new LocalGcra({ intervalMs });
  return async (url, init) => {
    if (!EXEMPT_FROM_GLOBAL_LIMIT.test(url)) {
      // A stalled event loop wakes many sleepers at once: one woken well past its slot takes a new one
      // rather than go out together with the requests scheduled after it.
      for (let attempt = 0; attempt < 3; attempt++) {
        const due = Date.now() + gcra.reserve(Date.now()).waitMs;
        if (due > Date.now()) await sleep(due - Date.now(), undefined, { signal: init.signal ?? undefined });
        if (Date.now() - due <= 2 * intervalMs) break;
      }
    }
    return makeRequest(url, init);
  };
}
