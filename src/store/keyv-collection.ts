import type Keyv from "keyv";
import type { Logger } from "../log.js";
import type { Backend } from "./backend.js";
import { type Collection, StoreError } from "./store.js";

/** The SQL adapters store keys in VARCHAR(255); the limit holds on every backend so data can move between them. */
export const MAX_KEY_LENGTH = 255;

/** What a collection needs from the store that made it. */
export interface CollectionOwner {
  readonly displayUrl: string;
  /** Throws a StoreError once the store is closed. */
  assertOpen(): void;
  /** A driver error as one line, with the store's password masked. */
  describe(err: unknown): string;
}

type Envelope<T> = { value: T; expires?: number | undefined };

export class KeyvCollection<T> implements Collection<T> {
  /** Every key of this collection starts with it, exactly as Keyv writes it. */
  private readonly keyPrefix: string;

  constructor(
    readonly name: string,
    private readonly keyv: Keyv<T>,
    private readonly store: CollectionOwner,
    private readonly backend: Backend,
    private readonly defaultTtl: number | undefined,
    private readonly logger: Logger,
  ) {
    this.keyPrefix = `${keyv.namespace}:`;
  }

  async get(key: string): Promise<T | undefined> {
    this.checkKey(key);
    return this.run("read", key, () => this.keyv.get(key));
  }

  async getMany(keys: readonly string[]): Promise<Array<T | undefined>> {
    if (keys.length === 0) return [];
    for (const key of keys) this.checkKey(key);
    return this.run("read", undefined, () => this.keyv.get([...keys]));
  }

  async has(key: string): Promise<boolean> {
    return (await this.get(key)) !== undefined;
  }

  async set(key: string, value: T, ttlMs?: number): Promise<void> {
    this.checkKey(key);
    this.checkValue(key, value);
    const ttl = this.ttlFor(ttlMs);
    await this.run("write", key, () => this.keyv.set(key, value, ttl));
  }

  async add(key: string, value: T, ttlMs?: number): Promise<boolean> {
    this.checkKey(key);
    this.checkValue(key, value);
    const ttl = this.ttlFor(ttlMs);
    return this.run("add", key, async () => {
      const now = Date.now();
      // Exactly the envelope and serializer Keyv's own set() uses, so get() reads it back unchanged.
      const envelope: Envelope<T> = { value, expires: ttl === undefined ? undefined : now + ttl };
      const raw = await this.serialize(envelope);
      return this.backend.addRaw(`${this.keyPrefix}${key}`, raw, ttl, now);
    });
  }

  async delete(key: string): Promise<boolean> {
    this.checkKey(key);
    return this.run("delete", key, () => this.keyv.delete(key));
  }

  async *entries(): AsyncIterable<[string, T]> {
    this.store.assertOpen();
    const pages = this.backend.scan(this.keyPrefix)[Symbol.asyncIterator]();
    while (true) {
      const page = await this.run("list", undefined, () => pages.next());
      if (page.done) return;
      const now = Date.now();
      for (const [key, raw] of page.value) {
        let data: Envelope<T> | undefined;
        try {
          data = await this.deserialize(raw);
        } catch (err) {
          // One unreadable row must not hide the rest of the collection.
          this.logger.warn({ collection: this.name, key, err: (err as Error).message }, "skipping an unreadable entry");
          continue;
        }
        if (!data || (typeof data.expires === "number" && now > data.expires)) continue;
        yield [key.slice(this.keyPrefix.length), data.value];
      }
    }
  }

  private serialize(envelope: Envelope<T>): Promise<string> {
    const serialize = this.keyv.serialize;
    if (!serialize) throw new StoreError("the store needs Keyv's serializer");
    return Promise.resolve(serialize(envelope));
  }

  private async deserialize(raw: string): Promise<Envelope<T> | undefined> {
    const deserialize = this.keyv.deserialize;
    if (!deserialize) throw new StoreError("the store needs Keyv's deserializer");
    return (await deserialize<T>(raw)) as Envelope<T> | undefined;
  }

  /** Every operation starts here, so a closed store or a bad key fails before anything is sent. */
  private checkKey(key: string): void {
    this.store.assertOpen();
    if (typeof key !== "string") {
      throw new StoreError(`collection ${this.name}: a key must be a string, got ${typeof key}`);
    }
    const room = MAX_KEY_LENGTH - this.keyPrefix.length;
    if (key.length > room) {
      throw new StoreError(
        `collection ${this.name}: key "${key.slice(0, 40)}…" is ${key.length} characters; at most ${room} fit (hash longer keys)`,
      );
    }
  }

  private checkValue(key: string, value: T): void {
    if (value === undefined) {
      throw new StoreError(`collection ${this.name}: cannot store undefined under "${key}"; use delete() to remove it`);
    }
  }

  /** The write's own TTL, or the collection's default (already checked) when it gives none. */
  private ttlFor(ttlMs: number | undefined): number | undefined {
    return ttlMs === undefined ? this.defaultTtl : normalizeTtl(this.name, ttlMs);
  }

  /** Turns a driver error into one StoreError that says what failed where, without a stack in the message. */
  private async run<R>(operation: string, key: string | undefined, fn: () => Promise<R>): Promise<R> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof StoreError) throw err;
      const target = key === undefined ? this.name : `${this.name}/${key}`;
      const message = `cannot ${operation} ${target} in the store at ${this.store.displayUrl}: ${this.store.describe(err)}`;
      throw new StoreError(message, { cause: err });
    }
  }
}

/** A TTL as the backends take it: whole milliseconds, undefined for never (0 or not given). */
export function normalizeTtl(collection: string, ttlMs: number | undefined): number | undefined {
  if (ttlMs === undefined || ttlMs === 0) return undefined;
  if (typeof ttlMs !== "number" || !Number.isFinite(ttlMs) || ttlMs < 0) {
    throw new StoreError(
      `collection ${collection}: TTL ${ttlMs} is not valid; give milliseconds above 0, or 0 for never`,
    );
  }
  // Redis takes whole milliseconds; rounding up never expires an entry early.
  return Math.ceil(ttlMs);
}
