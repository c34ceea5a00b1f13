import type { KeyvStoreAdapter } from "keyv";
import { isExpired } from "./serialized.js";

/** The part of a Keyv storage adapter the view uses; the memory backend provides just this. */
export type SharedAdapter = Pick<KeyvStoreAdapter, "get" | "set" | "delete" | "getMany" | "deleteMany" | "opts">;

/**
 * One collection's view of an adapter shared by every collection of a store, so ten collections use one
 * connection (or pool) instead of ten. Keyv assigns `namespace` to its store; the view keeps it to itself
 * because Keyv already prefixes every key, and a shared adapter told a namespace would prefix a second
 * time (the Redis adapter does) or, being shared, end up with whichever collection spoke last.
 *
 * The view has no `has` on purpose: the SQL adapters' `has` ignores expiry, while Keyv's fallback
 * (get, then check `expires`) does not. It has no `on` either: adapter errors reach the caller through
 * Keyv's `throwOnErrors`, and the store listens on the shared adapter once.
 *
 * Reads hide expired rows from Keyv instead of handing them over: Keyv would delete an expired row it
 * reads, by key, and between its read and that delete another process may have `add`ed a fresh value
 * there (a new lease), which the delete would then destroy. Expired rows are left to the purge, whose
 * DELETE re-checks the expiry in the same statement.
 *
 * `ready` runs before every operation: the backend's own connection step (connect Redis once, open the
 * SQLite file, create the PostgreSQL table), so an operation fails with the driver's real reason rather
 * than an adapter's generic one, and a database that was down at start-up gets its table when it returns.
 */
export class CollectionAdapter {
  namespace: string | undefined;

  constructor(
    private readonly shared: SharedAdapter,
    private readonly ready: () => Promise<unknown> = async () => {},
  ) {}

  get opts(): unknown {
    return this.shared.opts;
  }
  async get(key: string): Promise<unknown> {
    await this.ready();
    return live(await this.shared.get(key), Date.now());
  }
  async getMany(keys: string[]): Promise<unknown[]> {
    await this.ready();
    const raws = this.shared.getMany
      ? await this.shared.getMany(keys)
      : await Promise.all(keys.map((k) => this.shared.get(k)));
    const now = Date.now();
    return raws.map((raw) => live(raw, now));
  }
  async set(key: string, value: unknown, ttl?: number): Promise<unknown> {
    await this.ready();
    return this.shared.set(key, value, ttl);
  }
  async delete(key: string): Promise<boolean> {
    await this.ready();
    return this.shared.delete(key);
  }
  async deleteMany(keys: string[]): Promise<boolean> {
    await this.ready();
    if (this.shared.deleteMany) return this.shared.deleteMany(keys);
    return Promise.all(keys.map((k) => this.shared.delete(k))).then((deleted) => deleted.some(Boolean));
  }
  /** Never used by the store; clearing a collection would go through `entries` and `delete`. */
  async clear(): Promise<void> {
    throw new Error("clear() is not supported on a shared adapter");
  }
  /** The store closes the shared adapter once, after every collection is done with it. */
  async disconnect(): Promise<void> {}
}

function live(raw: unknown, now: number): unknown {
  return typeof raw === "string" && isExpired(raw, now) ? undefined : raw;
}
