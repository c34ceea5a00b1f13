import type { KeyvStoreAdapter } from "keyv";

/**
 * One collection's view of an adapter shared by every collection of a store, so ten collections use one
 * connection (or pool) instead of ten. Keyv assigns `namespace` to its store; the view keeps it to itself
 * because Keyv already prefixes every key, and a shared adapter told a namespace would prefix a second
 * time (the Redis adapter does) or, being shared, end up with whichever collection spoke last.
 *
 * The view has no `has` on purpose: the SQL adapters' `has` ignores expiry, while Keyv's fallback
 * (get, then check `expires`) does not. It has no `on` either: adapter errors reach the caller through
 * Keyv's `throwOnErrors`, and the store listens on the shared adapter once.
 */
export class CollectionAdapter {
  namespace: string | undefined;

  constructor(private readonly shared: KeyvStoreAdapter) {}

  get opts(): unknown {
    return this.shared.opts;
  }
  get(key: string) {
    return this.shared.get(key);
  }
  getMany(keys: string[]) {
    return this.shared.getMany ? this.shared.getMany(keys) : Promise.all(keys.map((k) => this.shared.get(k)));
  }
  set(key: string, value: unknown, ttl?: number) {
    return this.shared.set(key, value, ttl);
  }
  delete(key: string) {
    return this.shared.delete(key);
  }
  deleteMany(keys: string[]) {
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
