/**
 * The generic cell rate algorithm: requests are spaced `intervalMs` apart on average, with up to
 * `burst` of them allowed back to back. The state is one number, the theoretical arrival time (TAT)
 * of the next request, so it fits one Redis key and one atomic script (see global-rate-limit.ts).
 *
 * Why not a counter per second: a fixed window lets twice the budget through around its reset, and
 * even an exact sliding window admits the whole budget in one burst, whose requests then reach
 * Discord spread over connection set-up and network jitter, overlapping the next second's. Spacing
 * them evenly keeps any one-second interval, however aligned, within `1000 / intervalMs + burst`.
 */
export interface GcraDecision {
  /** 0 when the request may go now; otherwise how long to wait before asking again. */
  waitMs: number;
  /** The state to keep: the next request's theoretical arrival time. */
  tat: number;
}

export function gcraTake(tat: number | undefined, now: number, intervalMs: number, burst = 1): GcraDecision {
  const base = Math.max(tat ?? now, now);
  const tolerance = intervalMs * (burst - 1);
  const waitMs = base - tolerance - now;
  if (waitMs > 0) return { waitMs, tat: base };
  return { waitMs: 0, tat: base + intervalMs };
}

/** The in-process form: one limiter's state, for when the shared one cannot be reached. */
export class LocalGcra {
  private tat: number | undefined;
  constructor(
    private readonly intervalMs: number,
    private readonly burst = 1,
  ) {}

  tryTake(now: number): number {
    const decision = gcraTake(this.tat, now, this.intervalMs, this.burst);
    this.tat = decision.tat;
    return decision.waitMs;
  }
}
