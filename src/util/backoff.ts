/**
 * Exponential backoff with jitter: attempt 1 waits about `base`, each further attempt doubles it,
 * capped at `max`. The delay is drawn from [d/2, d] so that many feeds or deliveries failing together
 * (an outage) do not all come back at the same instant.
 */
export function backoffDelay(attempt: number, base: number, max: number, random: () => number = Math.random): number {
  const exp = Math.min(max, base * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp / 2 + (random() * exp) / 2);
}
