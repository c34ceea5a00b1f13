import type { Backend, RawEntry } from "../backend.js";
import { CollectionAdapter, type SharedAdapter } from "../collection-adapter.js";
import { isExpired } from "../serialized.js";

/**
 * A Map shared by every collection of one store: for tests and demos. Nothing leaves the process, so
 * `add` only has to be atomic against itself, which a synchronous check-then-set on the Map is.
 */
export class MemoryBackend implements Backend {
  private readonly map = new Map<string, unknown>();
  /** The Map behind the same view the other backends use, so expiry on read behaves alike everywhere. */
  private readonly shared: SharedAdapter = {
    opts: { dialect: "memory" },
    get: async (key: string) => this.map.get(key) as never,
    set: async (key: string, value: unknown) => {
      this.map.set(key, value);
    },
    delete: async (key: string) => this.map.delete(key),
  };

  adapter(): CollectionAdapter {
    return new CollectionAdapter(this.shared);
  }

  async addRaw(key: string, raw: string, _ttlMs: number | undefined, now: number): Promise<boolean> {
    const existing = this.map.get(key);
    if (typeof existing === "string" && !isExpired(existing, now)) return false;
    this.map.set(key, raw);
    return true;
  }

  async *scan(prefix: string): AsyncIterable<RawEntry[]> {
    const page: RawEntry[] = [];
    for (const [key, raw] of this.map) {
      if (key.startsWith(prefix) && typeof raw === "string") page.push([key, raw]);
    }
    yield page;
  }

  async purgeExpired(prefix: string, now: number): Promise<number> {
    let purged = 0;
    for (const [key, raw] of this.map) {
      if (key.startsWith(prefix) && typeof raw === "string" && isExpired(raw, now)) {
        this.map.delete(key);
        purged++;
      }
    }
    return purged;
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    this.map.clear();
  }
}
