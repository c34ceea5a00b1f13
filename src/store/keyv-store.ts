import { mkdirSync } from "node:fs";
import path from "node:path";
import Keyv, { type KeyvStoreAdapter } from "keyv";
import { type Collection, maskUrl, type Store, StoreError } from "./store.js";

/** Bump when the shape of stored values changes incompatibly; old keys are then simply not read. */
const KEY_VERSION = "v1";

type AdapterFactory = () => KeyvStoreAdapter | Map<unknown, unknown>;

/**
 * Serializes writers of one key inside this process, so `add` (check, then set) cannot interleave
 * with itself. Across processes the shared backends need their own atomic primitive.
 */
class KeyLocks {
  private tails = new Map<string, Promise<unknown>>();
  async run<R>(key: string, fn: () => Promise<R>): Promise<R> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const tail = next.catch(() => undefined);
    this.tails.set(key, tail);
    try {
      return await next;
    } finally {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}

class KeyvCollection<T> implements Collection<T> {
  private readonly locks = new KeyLocks();
  constructor(
    readonly name: string,
    private readonly keyv: Keyv<T>,
    private readonly defaultTtl: number | undefined,
  ) {}

  async get(key: string): Promise<T | undefined> {
    return (await this.keyv.get(key)) ?? undefined;
  }
  async getMany(keys: readonly string[]): Promise<Array<T | undefined>> {
    if (keys.length === 0) return [];
    const values = await this.keyv.get([...keys]);
    return values.map((v) => v ?? undefined);
  }
  async has(key: string): Promise<boolean> {
    return (await this.get(key)) !== undefined;
  }
  async set(key: string, value: T, ttlMs?: number): Promise<void> {
    const ttl = ttlMs ?? this.defaultTtl;
    await this.keyv.set(key, value, ttl === 0 ? undefined : ttl);
  }
  async add(key: string, value: T, ttlMs?: number): Promise<boolean> {
    return this.locks.run(key, async () => {
      if ((await this.keyv.get(key)) !== undefined) return false;
      await this.set(key, value, ttlMs);
      return true;
    });
  }
  async delete(key: string): Promise<boolean> {
    return this.keyv.delete(key);
  }
  async *entries(): AsyncIterable<[string, T]> {
    if (!this.keyv.iterator) throw new StoreError(`the store cannot list collection ${this.name}`);
    for await (const [key, value] of this.keyv.iterator(undefined)) {
      if (value !== undefined) yield [key as string, value as T];
    }
  }
}

class KeyvStore implements Store {
  private readonly opened: Keyv[] = [];
  readonly displayUrl: string;
  constructor(
    url: string,
    private readonly makeAdapter: AdapterFactory,
  ) {
    this.displayUrl = maskUrl(url);
  }

  collection<T>(name: string, options: { ttlMs?: number } = {}): Collection<T> {
    const keyv = new Keyv<T>({
      store: this.makeAdapter(),
      namespace: `newsdesk.${KEY_VERSION}.${name}`,
      throwOnErrors: true,
    });
    keyv.on("error", () => {
      // Errors are thrown to the caller (throwOnErrors); the event would otherwise crash the process.
    });
    this.opened.push(keyv as Keyv);
    return new KeyvCollection<T>(name, keyv, options.ttlMs);
  }

  async ping(): Promise<void> {
    const probe = this.collection<number>("health");
    try {
      await probe.set("ping", Date.now(), 60_000);
    } catch (err) {
      throw new StoreError(`cannot reach the store at ${this.displayUrl}: ${(err as Error).message}`);
    }
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.opened.map((k) => k.disconnect()));
    this.opened.length = 0;
  }
}

/**
 * Opens the store named by a URL: `sqlite://./data/newsdesk.sqlite` (created on first use),
 * `memory:` (tests), `redis://…`, `postgres://…`.
 */
export async function openStore(url: string): Promise<Store> {
  const scheme = url.slice(0, url.indexOf(":")).toLowerCase();
  switch (scheme) {
    case "memory":
      return new KeyvStore(url, () => new Map());
    case "sqlite": {
      const { default: KeyvSqlite } = await import("@keyv/sqlite");
      const file = url.replace(/^sqlite:\/\//i, "");
      if (file !== ":memory:") mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
      return new KeyvStore(url, () => new KeyvSqlite({ uri: `sqlite://${file}`, busyTimeout: 10_000 }));
    }
    case "redis":
    case "rediss": {
      const { default: KeyvRedis } = await import("@keyv/redis");
      return new KeyvStore(url, () => new KeyvRedis(url, { throwOnConnectError: true, throwOnErrors: true }));
    }
    case "postgres":
    case "postgresql": {
      const { default: KeyvPostgres } = await import("@keyv/postgres");
      return new KeyvStore(url, () => new KeyvPostgres({ uri: url }));
    }
    default:
      throw new StoreError(
        `unsupported store URL ${maskUrl(url)}: use sqlite://FILE, redis://HOST:PORT, postgres://HOST/DB or memory:`,
      );
  }
}
