import type { Logger } from "../log.js";

/**
 * Everything newsdesk persists goes through this interface: feed state, seen items, stories,
 * subscriptions, the outbox, posted messages. It is backed by keyv (see ./keyv-store.ts) and
 * chosen by one URL (STORE_URL): sqlite://, redis://, postgres://, or memory: for tests.
 *
 * Data is split into named collections ("feeds", "stories", "outbox", ...). Each collection is
 * its own key space, so listing one never scans another. Every failure, bad input included, is a
 * StoreError whose message is one line naming the collection, key and masked URL. docs/storage.md
 * describes the backends, key layout and guarantees.
 */
export interface Store {
  /**
   * A named key space (letters, digits, ".", "_", "-"). `ttlMs` is the default time to live of entries
   * written through it (0 or none = never). Cheap: every collection shares the store's connection.
   */
  collection<T>(name: string, options?: { ttlMs?: number }): Collection<T>;
  /** Resolves when the backend answers; rejects with a StoreError naming the (masked) URL otherwise. */
  ping(): Promise<void>;
  /** Releases every connection; safe to call twice. Later calls on the store or its collections reject. */
  close(): Promise<void>;
  /** The store URL with any password masked, for logs and error messages. */
  readonly displayUrl: string;
}

export interface Collection<T> {
  readonly name: string;
  /** The value, or undefined when the key is absent or expired. Keys: up to ~230 characters. */
  get(key: string): Promise<T | undefined>;
  /** Values in the order of `keys`, undefined for absent or expired ones. */
  getMany(keys: readonly string[]): Promise<Array<T | undefined>>;
  has(key: string): Promise<boolean>;
  /** Writes the value; `ttlMs` overrides the collection's default (0 = never expires). */
  set(key: string, value: T, ttlMs?: number): Promise<void>;
  /**
   * Writes the value only if the key holds nothing (or only an expired value). Atomic across
   * processes on the shared backends: of two concurrent callers exactly one gets `true`.
   * Used for claims and leases (outbox deliveries, the poll coordinator).
   */
  add(key: string, value: T, ttlMs?: number): Promise<boolean>;
  /** Removes the key; resolves true when a row was there (possibly already expired). */
  delete(key: string): Promise<boolean>;
  /**
   * Every live entry of the collection, in no particular order, each once, fetched a page at a time.
   * Entries written or deleted while it runs may or may not appear; the others always do.
   */
  entries(): AsyncIterable<[key: string, value: T]>;
}

/** How `openStore` connects; every field has a default suited to the bot. */
export interface StoreOptions {
  /** Where connection trouble is reported (silent by default). */
  logger?: Logger;
  /**
   * First part of every key namespace, `<prefix>.v1.<collection>` (default "newsdesk"). Lets two
   * deployments, or parallel test runs, share one Redis or one table without seeing each other's keys.
   */
  prefix?: string;
  /** How long to wait for a connection before giving up (default 3000 ms). */
  connectTimeoutMs?: number;
  /**
   * How often expired rows are deleted on SQLite and PostgreSQL, whose adapters never delete them
   * (default 10 minutes, plus once after the first successful ping()). 0 turns the purge off.
   */
  purgeIntervalMs?: number;
  /** Names the connections on the server (Redis CLIENT LIST, PostgreSQL application_name); default "newsdesk". */
  clientName?: string;
  /** PostgreSQL connections shared by all collections of the store (default 5). */
  poolSize?: number;
}

export class StoreError extends Error {
  override name = "StoreError";
}

/** `postgres://user:secret@host/db` → `postgres://user:***@host/db`. */
export function maskUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)[^@/]*@/i, "$1***@");
}
