import Keyv from "keyv";
import { type Logger, silentLogger } from "../log.js";
import type { Backend } from "./backend.js";
import { describeError } from "./describe-error.js";
import { KeyvCollection, normalizeTtl } from "./keyv-collection.js";
import { serialize } from "./serialized.js";
import { type Collection, maskUrl, type Store, StoreError, type StoreOptions } from "./store.js";
import { parseStoreUrl, type StoreUrl } from "./store-url.js";

/** Bump when the shape of stored values changes incompatibly; old keys are then simply not read. */
const KEY_VERSION = "v1";
const COLLECTION_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const PREFIX = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

export class KeyvStore implements Store {
  readonly displayUrl: string;
  /** `newsdesk.`: every key this store writes, all versions; what the purge may touch. */
  private readonly rootPrefix: string;
  /** `newsdesk.v1.`: followed by the collection name, the Keyv namespace. */
  private readonly namespacePrefix: string;
  private readonly logger: Logger;
  private readonly purgeIntervalMs: number;
  private purgeTimer: NodeJS.Timeout | undefined;
  private purging: Promise<unknown> | undefined;
  private purgedOnce = false;
  private closed = false;

  constructor(
    private readonly url: string,
    private readonly backend: Backend,
    options: { prefix: string; logger: Logger; purgeIntervalMs: number },
  ) {
    this.displayUrl = maskUrl(url);
    this.rootPrefix = `${options.prefix}.`;
    this.namespacePrefix = `${options.prefix}.${KEY_VERSION}.`;
    this.logger = options.logger;
    this.purgeIntervalMs = options.purgeIntervalMs;
    if (this.purgeIntervalMs > 0) {
      this.purgeTimer = setInterval(() => this.purgeInBackground(), this.purgeIntervalMs);
      // The purge is housekeeping: it must never be what keeps the process alive.
      this.purgeTimer.unref();
    }
  }

  collection<T>(name: string, options: { ttlMs?: number } = {}): Collection<T> {
    this.assertOpen();
    if (!COLLECTION_NAME.test(name)) {
      throw new StoreError(`collection name "${name}" is not valid: use letters, digits, ".", "_" and "-"`);
    }
    const keyv = new Keyv<T>({
      store: this.backend.adapter(),
      namespace: `${this.namespacePrefix}${name}`,
      throwOnErrors: true,
      serialize,
    });
    keyv.on("error", () => {
      // Errors are thrown to the caller (throwOnErrors); the event would otherwise go unheard.
    });
    // Checked here, where the mistake is, rather than at the first write.
    const defaultTtl = normalizeTtl(name, options.ttlMs);
    return new KeyvCollection<T>(name, keyv, this, this.backend, defaultTtl, this.logger);
  }

  async ping(): Promise<void> {
    this.assertOpen();
    try {
      await this.backend.ping();
    } catch (err) {
      throw new StoreError(`cannot reach the store at ${this.displayUrl}: ${this.describe(err)}`, { cause: err });
    }
    if (!this.purgedOnce && this.purgeIntervalMs > 0) this.purgeInBackground();
  }

  /**
   * Deletes expired entries of every collection (SQLite and PostgreSQL keep them until read otherwise);
   * resolves to how many were deleted. Runs on its own every `purgeIntervalMs`.
   */
  async purgeExpired(): Promise<number> {
    this.assertOpen();
    return this.backend.purgeExpired(this.rootPrefix, Date.now());
  }

  private purgeInBackground(): void {
    if (this.purging || this.closed) return;
    this.purgedOnce = true;
    this.purging = this.purgeExpired()
      .then((n) => {
        if (n > 0) this.logger.debug({ purged: n }, "purged expired store entries");
      })
      .catch((err: unknown) => this.logger.warn({ err: this.describe(err) }, "could not purge expired store entries"))
      .finally(() => {
        this.purging = undefined;
      });
  }

  /** A driver error as one line, with this store's password masked. */
  describe(err: unknown): string {
    return describeError(err, this.url);
  }

  /** @internal for collections */
  assertOpen(): void {
    if (this.closed) throw new StoreError(`the store at ${this.displayUrl} is closed`);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.purgeTimer);
    await this.purging;
    await this.backend.close();
  }
}

/** Opening options with their defaults applied and checked: options in code win over the URL's parameters. */
export function resolveOptions(options: StoreOptions, fromUrl: StoreUrl = parseStoreUrl("")) {
  const prefix = options.prefix ?? fromUrl.prefix ?? "newsdesk";
  if (!PREFIX.test(prefix)) {
    throw new StoreError(`store prefix "${prefix}" is not valid: use letters, digits, "_" and "-"`);
  }
  return {
    prefix,
    logger: options.logger ?? silentLogger,
    connectTimeoutMs: options.connectTimeoutMs ?? 3_000,
    purgeIntervalMs: options.purgeIntervalMs ?? 10 * 60_000,
    clientName: options.clientName ?? "newsdesk",
    poolSize: options.poolSize ?? fromUrl.poolSize ?? 5,
    schema: fromUrl.schema ?? "public",
  };
}

/**
 * Opens the store named by a URL: `sqlite://./data/newsdesk.sqlite` (created on first use),
 * `memory:` (tests), `redis://…`, `postgres://HOST/DB`, each optionally with `?prefix=`, and PostgreSQL with
 * `?schema=` and `?pool_size=` (see store-url.ts). Connection problems surface from
 * `ping()` (call it at start-up) and from each operation, always as a StoreError naming the masked URL.
 */
export async function openStore(url: string, options: StoreOptions = {}): Promise<KeyvStore> {
  const parsed = parseStoreUrl(url);
  const resolved = resolveOptions(options, parsed);
  const displayUrl = maskUrl(url);
  let backend: Backend;
  try {
    backend = await createBackend(parsed.scheme, parsed.target, resolved);
  } catch (err) {
    if (err instanceof StoreError) throw err;
    throw new StoreError(`cannot open the store at ${displayUrl}: ${describeError(err, url)}`, { cause: err });
  }
  return new KeyvStore(url, backend, resolved);
}

async function createBackend(
  scheme: string,
  url: string,
  options: ReturnType<typeof resolveOptions>,
): Promise<Backend> {
  switch (scheme) {
    case "memory": {
      const { MemoryBackend } = await import("./backends/memory.js");
      return new MemoryBackend();
    }
    case "sqlite": {
      const { SqliteBackend } = await import("./backends/sqlite.js");
      const file = url.replace(/^sqlite:\/\//i, "");
      if (file === "")
        throw new StoreError(`store URL ${maskUrl(url)} names no file: write sqlite://./data/newsdesk.sqlite`);
      return new SqliteBackend(file, { busyTimeoutMs: 5_000, logger: options.logger });
    }
    case "redis":
    case "rediss": {
      const { RedisBackend } = await import("./backends/redis.js");
      return new RedisBackend(url, options);
    }
    case "postgres":
    case "postgresql": {
      const { PostgresBackend } = await import("./backends/postgres.js");
      return new PostgresBackend(url, options);
    }
    default:
      throw new StoreError(
        `unsupported store URL ${maskUrl(url)}: use sqlite://FILE, redis://HOST:PORT, postgres://HOST/DB or memory:`,
      );
  }
}
