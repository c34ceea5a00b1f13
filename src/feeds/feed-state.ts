import type { Collection, Store } from "../store/store.js";
import { backoffDelay } from "../util/backoff.js";
import type { FeedError, FeedErrorKind } from "./errors.js";

/** ok: last poll worked; failing: backing off; disabled: too many failures, waits for an operator. */
export type FeedStatus = "ok" | "failing" | "disabled";

/** Per-feed health, persisted so restarts keep backoff and validators, and printed by `newsdesk feeds`. */
export interface FeedHealth {
  feedId: string;
  /** The URL this record is about; a changed URL in config starts the feed afresh. */
  url: string;
  status: FeedStatus;
  /** The feed's own title: the provider name when config gives none. */
  title: string | null;
  lastCheckedAt: string | null;
  lastSuccessAt: string | null;
  lastError: { kind: FeedErrorKind; message: string; at: string; status?: number } | null;
  consecutiveFailures: number;
  /** ISO time before which the feed is not polled again. */
  nextDueAt: string;
  disabledReason: string | null;
  /** Validators for conditional GET. */
  etag: string | null;
  lastModified: string | null;
}

/**
 * Item keys seen in a feed (see itemKeys) with the time each was last seen (`seenAt[i]` for
 * `keys[i]`). Keys still in the feed are refreshed; others expire after SEEN_TTL_MS, so the record
 * stays bounded by the feed's size.
 *
 * Two arrays rather than one object keyed by item key: every feed's keys are new strings, and V8 gave
 * each new property name of an object a hidden class of its own, both when building the record and
 * when JSON.parse read it back (about 200 µs per 100-key record, against 15 µs for the arrays).
 */
export interface SeenItems {
  url: string;
  keys: string[];
  seenAt: number[];
}

/** The record as written before 2026-12-04 (`keys` an object of key → time); still read. */
interface LegacySeenItems {
  url: string;
  keys: Record<string, number>;
}

/** A seen-set record as read from the store: either shape. */
export type StoredSeenItems = SeenItems | LegacySeenItems;

/** The keys of a stored record, whichever shape it was written in. */
export function seenKeys(seen: StoredSeenItems): string[] {
  return Array.isArray(seen.keys) ? seen.keys : Object.keys(seen.keys);
}

export const SEEN_TTL_MS = 30 * 86_400_000;
/** A hard cap for feeds that list thousands of items or churn guids. */
export const SEEN_MAX_KEYS = 5_000;
/** A Retry-After longer than this is treated as this (a day is already very polite). */
const RETRY_AFTER_MAX_MS = 86_400_000;

export function newHealth(feedId: string, url: string, now: Date): FeedHealth {
  return {
    feedId,
    url,
    status: "ok",
    title: null,
    lastCheckedAt: null,
    lastSuccessAt: null,
    lastError: null,
    consecutiveFailures: 0,
    nextDueAt: now.toISOString(),
    disabledReason: null,
    etag: null,
    lastModified: null,
  };
}

export function isDue(health: FeedHealth | undefined, now: Date): boolean {
  if (!health) return true;
  return health.status !== "disabled" && Date.parse(health.nextDueAt) <= now.getTime();
}

export function recordSuccess(
  health: FeedHealth,
  update: { now: Date; intervalMs: number; etag?: string | null; lastModified?: string | null; title?: string | null },
): FeedHealth {
  return {
    ...health,
    status: "ok",
    title: update.title === undefined ? health.title : update.title,
    lastCheckedAt: update.now.toISOString(),
    lastSuccessAt: update.now.toISOString(),
    consecutiveFailures: 0,
    nextDueAt: new Date(update.now.getTime() + update.intervalMs).toISOString(),
    disabledReason: null,
    etag: update.etag === undefined ? health.etag : update.etag,
    lastModified: update.lastModified === undefined ? health.lastModified : update.lastModified,
  };
}

export interface FailurePolicy {
  backoffBaseMs: number;
  backoffMaxMs: number;
  disableAfter: number;
  random: () => number;
}

export function recordFailure(health: FeedHealth, error: FeedError, now: Date, policy: FailurePolicy): FeedHealth {
  const failures = health.consecutiveFailures + 1;
  const backoff = backoffDelay(failures, policy.backoffBaseMs, policy.backoffMaxMs, policy.random);
  const retryAfter = Math.min(error.details.retryAfterMs ?? 0, RETRY_AFTER_MAX_MS);
  const disabled = failures >= policy.disableAfter;
  return {
    ...health,
    status: disabled ? "disabled" : "failing",
    lastCheckedAt: now.toISOString(),
    lastError: {
      kind: error.kind,
      message: error.message,
      at: now.toISOString(),
      ...(error.details.status === undefined ? {} : { status: error.details.status }),
    },
    consecutiveFailures: failures,
    nextDueAt: new Date(now.getTime() + Math.max(backoff, retryAfter)).toISOString(),
    disabledReason: disabled
      ? `disabled after ${failures} consecutive failures; last: ${error.kind}: ${error.message}`
      : null,
  };
}

/** An operator's re-enable: due now, failure count cleared, the last error kept for the record. */
export function reenable(health: FeedHealth, now: Date): FeedHealth {
  return { ...health, status: "ok", consecutiveFailures: 0, disabledReason: null, nextDueAt: now.toISOString() };
}

/**
 * Marks `present` keys as seen now and drops keys unseen for longer than the TTL (and the oldest ones
 * past the cap). Returns null when nothing worth writing changed, to spare a store write per poll.
 * Keys keep their order: the record's first, then new ones as they come.
 */
export function updateSeen(
  previous: StoredSeenItems | undefined,
  url: string,
  present: Iterable<string>,
  now: number,
): SeenItems | null {
  const sameFeed = previous !== undefined && previous.url === url;
  // Built as the two arrays it is stored as, with a key → position index: this runs for every feed
  // that answered with content in every cycle, so it makes no per-key pairs or copies.
  let keys: string[] = [];
  let seenAt: number[] = [];
  const position = new Map<string, number>();
  const remember = (key: string, last: number) => {
    const at = position.get(key);
    if (at === undefined) {
      position.set(key, keys.length);
      keys.push(key);
      seenAt.push(last);
    } else seenAt[at] = last;
  };
  if (sameFeed && Array.isArray(previous.keys)) {
    // A record cut short somehow still counts its keys as seen; with no time they expire at this write.
    const times = (previous as Partial<SeenItems>).seenAt ?? [];
    previous.keys.forEach((key, i) => {
      remember(key, times[i] ?? 0);
    });
  } else if (sameFeed) {
    for (const [key, last] of Object.entries(previous.keys)) remember(key, last);
  }
  // A record in the old shape is rewritten in the new one at the first chance.
  let changed = !sameFeed || !Array.isArray(previous.keys);
  // Refreshing a timestamp matters only for expiry, so once a day is enough.
  const refreshBefore = now - 86_400_000;
  for (const key of present) {
    const at = position.get(key);
    if (at === undefined) {
      position.set(key, keys.length);
      keys.push(key);
      seenAt.push(now);
      changed = true;
    } else if ((seenAt[at] as number) < refreshBefore) {
      seenAt[at] = now;
      changed = true;
    }
  }
  const expireBefore = now - SEEN_TTL_MS;
  if (seenAt.some((last) => last < expireBefore)) {
    const kept = keys.flatMap((_, i) => ((seenAt[i] as number) < expireBefore ? [] : [i]));
    keys = kept.map((i) => keys[i] as string);
    seenAt = kept.map((i) => seenAt[i] as number);
    changed = true;
  }
  if (!changed) return null;
  if (keys.length > SEEN_MAX_KEYS) {
    // The most recently seen, ties in record order (a stable sort).
    const newest = keys
      .map((_, i) => i)
      .sort((a, b) => (seenAt[b] as number) - (seenAt[a] as number))
      .slice(0, SEEN_MAX_KEYS);
    return { url, keys: newest.map((i) => keys[i] as string), seenAt: newest.map((i) => seenAt[i] as number) };
  }
  return { url, keys, seenAt };
}

/** Where feed state lives in the Store. */
export class FeedStateStore {
  readonly health: Collection<FeedHealth>;
  readonly seen: Collection<StoredSeenItems>;
  /** A short claim so two processes sharing a store do not run a poll cycle at once (see Poller.runCycle). */
  readonly leases: Collection<string>;

  constructor(store: Store) {
    this.health = store.collection<FeedHealth>("feed-health");
    this.seen = store.collection<StoredSeenItems>("feed-seen");
    this.leases = store.collection<string>("feed-lease");
  }
}
