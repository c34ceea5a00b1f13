import type { CollectionAdapter } from "./collection-adapter.js";

/** One stored row as the backend holds it: the prefixed key and Keyv's serialized `{value, expires}`. */
export type RawEntry = [key: string, raw: string];

/**
 * What a store needs from a backend beyond plain Keyv: one shared connection for every collection,
 * an atomic insert-if-absent, a prefix scan, and a purge of expired rows. Keys handed to these
 * methods are already prefixed (`newsdesk.v1.<collection>:<key>`) and values already serialized
 * by Keyv, so a value written here reads back through Keyv unchanged.
 */
export interface Backend {
  /** The Keyv store for one collection. Collections share the backend's connection; Keyv does the prefixing. */
  adapter(): CollectionAdapter;
  /**
   * Writes `raw` under `key` unless a live value is there (an expired one counts as absent), atomically
   * for every client of the backend. `ttlMs` (undefined = never) lets backends with native expiry expire the
   * key; the others compare the `expires` stored in the existing row with `now`, the caller's clock, which is
   * the clock Keyv itself uses to decide expiry. Resolves true when written.
   */
  addRaw(key: string, raw: string, ttlMs: number | undefined, now: number): Promise<boolean>;
  /** Every stored row whose key starts with `prefix`, a page at a time, each row once. Expired rows included. */
  scan(prefix: string): AsyncIterable<RawEntry[]>;
  /** Deletes rows under `prefix` that expired before `now`; resolves to how many. Backends that expire keys themselves return 0. */
  purgeExpired(prefix: string, now: number): Promise<number>;
  /** Resolves when the backend answers a query; rejects with the driver's error otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The smallest string greater than every string starting with `prefix`, so `key >= prefix AND key < bound`
 * selects exactly the keys with that prefix through an index, with no LIKE wildcards to escape. Prefixes
 * here end in an ASCII separator (":" or "."), so bumping the last character cannot overflow.
 */
export function prefixUpperBound(prefix: string): string {
  const last = prefix.charCodeAt(prefix.length - 1);
  return `${prefix.slice(0, -1)}${String.fromCharCode(last + 1)}`;
}
