import KeyvRedis, { createClient } from "@keyv/redis";
import type { Logger } from "../../log.js";
import type { Backend, RawEntry } from "../backend.js";
import { CollectionAdapter } from "../collection-adapter.js";

const SCAN_COUNT = 500;
/** Once connected, a lost connection is retried with a capped backoff rather than hammering the server. */
const MAX_RECONNECT_DELAY_MS = 5_000;

type RedisClient = ReturnType<typeof createClient>;

/**
 * One Redis connection shared by every collection of the store, handed to @keyv/redis as its client.
 * Expiry is Redis's own (Keyv passes the TTL as PX), so nothing needs purging.
 */
export class RedisBackend implements Backend {
  private readonly client: RedisClient;
  private readonly shared: KeyvRedis<string>;
  private connected = false;
  private connecting: Promise<void>;

  constructor(url: string, options: { connectTimeoutMs: number; clientName: string; logger: Logger }) {
    const log = options.logger;
    this.client = createClient({
      url,
      name: options.clientName,
      socket: {
        connectTimeout: options.connectTimeoutMs,
        // Before the first successful connection, fail at once: an operator with a wrong URL wants one
        // clear error at start-up, not a process retrying forever in the background.
        reconnectStrategy: (retries: number) =>
          this.connected ? Math.min(100 * 2 ** retries, MAX_RECONNECT_DELAY_MS) : false,
      },
    });
    let reportedDown = false;
    this.client.on("error", (err: Error) => {
      // Without a listener an 'error' event would crash the process; log a lost connection once, not per retry.
      if (this.connected && !reportedDown) {
        reportedDown = true;
        log.warn({ err: err.message }, "lost the Redis connection; reconnecting");
      }
    });
    this.client.on("ready", () => {
      if (reportedDown) log.info("reconnected to Redis");
      reportedDown = false;
      this.connected = true;
    });
    // The store connects the client itself (see connect()); @keyv/redis then finds it open and shares it.
    this.shared = new KeyvRedis<string>(this.client as never, {
      throwOnConnectError: true,
      throwOnErrors: true,
      keyPrefixSeparator: ":",
    });
    this.shared.on("error", () => {
      // Errors reach the caller through throwOnErrors; the adapter re-emits every client error as well.
    });
    // Connect now, so the adapter finds the client open and never starts a second connection of its own.
    this.connecting = this.startConnecting();
  }

  private startConnecting(): Promise<void> {
    const attempt = this.client.connect().then(() => undefined);
    attempt.catch(() => {
      // Reported by whoever awaits the attempt (ping() at start-up); not an unhandled rejection meanwhile.
    });
    return attempt;
  }

  /** Waits for the connection; after a failed attempt, tries once more (the server may be up by now). */
  private async connect(): Promise<RedisClient> {
    if (this.client.isReady) return this.client;
    if (!this.client.isOpen) this.connecting = this.startConnecting();
    await this.connecting;
    return this.client;
  }

  adapter(): CollectionAdapter {
    return new CollectionAdapter(this.shared, () => this.connect());
  }

  async addRaw(key: string, raw: string, ttlMs: number | undefined): Promise<boolean> {
    const client = await this.connect();
    const reply = await client.set(key, raw, {
      condition: "NX",
      ...(ttlMs === undefined ? {} : { expiration: { type: "PX", value: ttlMs } }),
    });
    return reply === "OK";
  }

  async *scan(prefix: string): AsyncIterable<RawEntry[]> {
    const client = await this.connect();
    // SCAN may return a key twice (when the keyspace is rehashed mid-scan); callers must see it once.
    const seen = new Set<string>();
    let cursor = "0";
    do {
      const result = await client.scan(cursor, { MATCH: `${escapeGlob(prefix)}*`, COUNT: SCAN_COUNT, TYPE: "string" });
      cursor = String(result.cursor);
      const keys = result.keys.map(String).filter((k) => !seen.has(k));
      if (keys.length === 0) continue;
      for (const k of keys) seen.add(k);
      const values = await client.mGet(keys);
      const page: RawEntry[] = [];
      keys.forEach((k, i) => {
        const v = values[i];
        // A key can expire between SCAN and MGET.
        if (v !== null && v !== undefined) page.push([k, String(v)]);
      });
      yield page;
    } while (cursor !== "0");
  }

  async purgeExpired(): Promise<number> {
    return 0;
  }

  async ping(): Promise<void> {
    const client = await this.connect();
    await client.ping();
  }

  async close(): Promise<void> {
    if (this.client.isReady) await this.client.close();
    else if (this.client.isOpen) this.client.destroy();
  }
}

/** Redis glob patterns treat *, ?, [ and \ specially; collection prefixes are matched literally. */
function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, "\\$&");
}
