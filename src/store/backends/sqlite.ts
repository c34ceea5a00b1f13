import { mkdirSync } from "node:fs";
import path from "node:path";
import KeyvSqlite from "@keyv/sqlite";
import type { Logger } from "../../log.js";
import { backoffDelay } from "../../util/backoff.js";
import { type Backend, prefixUpperBound, type RawEntry } from "../backend.js";
import { CollectionAdapter } from "../collection-adapter.js";
import { type BatchedRow, WriteBatcher } from "../write-batcher.js";

const TABLE = "keyv";
const PAGE_SIZE = 200;
/** Rows per batched upsert: 2 parameters each, far below SQLite's limit of 32,766. */
const BATCH_ROWS = 256;
/** How long a write waits for others to share its statement; small beside a poll's or a post's pace. */
const BATCH_DELAY_MS = 5;

/**
 * SQLite answers SQLITE_BUSY at once, without waiting out the busy timeout, when waiting could
 * deadlock or while another connection recovers the WAL index (e.g. a second store just opened on the
 * same file). The statement did not run, so running it again is safe; a short bounded retry turns that
 * race into a few milliseconds of delay instead of a failed write.
 */
export async function retryBusy<T>(run: () => Promise<T>, attempts = 8): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      if (attempt >= attempts || (err as { code?: string }).code !== "SQLITE_BUSY") throw err;
      await new Promise((resolve) => setTimeout(resolve, backoffDelay(attempt, 10, 1_000)));
    }
  }
}

/**
 * One SQLite connection (through @keyv/sqlite) shared by every collection of the store. WAL lets
 * readers run beside the writer; the busy timeout makes a second connection on the same file (another
 * Store in this process, or a CLI run) wait for the write lock instead of failing at once.
 *
 * Several processes on one file are safe for correctness (every write is one atomic statement), but
 * SQLite is meant for one bot process; see docs/storage.md.
 */
export class SqliteBackend implements Backend {
  private readonly shared: KeyvSqlite;
  private readonly ready: Promise<Error | undefined>;
  private readonly writes: WriteBatcher;

  constructor(file: string, options: { busyTimeoutMs: number; logger: Logger }) {
    if (file !== ":memory:") mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    this.shared = new KeyvSqlite({ uri: `sqlite://${file}`, table: TABLE, busyTimeout: options.busyTimeoutMs });
    const query = this.shared.query;
    this.shared.query = (sql: string, ...params: unknown[]) => retryBusy(() => query(sql, ...params));
    // Every collection's plain writes go through one batcher (see WriteBatcher), so writes of different
    // collections issued together (a feed's health and its seen items) share a statement too.
    this.writes = new WriteBatcher((rows) => this.upsert(rows), { delayMs: BATCH_DELAY_MS, maxRows: BATCH_ROWS });
    const { set, delete: remove, deleteMany } = this.shared;
    this.shared.set = (key: string, value: unknown) =>
      typeof value === "string" ? this.writes.set(key, value) : set.call(this.shared, key, value);
    // Other writes wait for the batched ones issued before them, so they run in the order they were issued.
    this.shared.delete = async (key: string) => {
      await this.writes.flush();
      return remove.call(this.shared, key);
    };
    this.shared.deleteMany = async (keys: string[]) => {
      await this.writes.flush();
      return deleteMany.call(this.shared, keys);
    };
    this.shared.on("error", (err: Error) => options.logger.debug({ err: err.message }, "sqlite adapter error"));
    // Holding the outcome (not a rejected promise) keeps a file that cannot be opened from becoming an
    // unhandled rejection before anyone calls ping().
    this.ready = this.configure().then(
      () => undefined,
      (err: Error) => err,
    );
  }

  private async configure(): Promise<void> {
    await this.shared.query("PRAGMA journal_mode = WAL");
    // NORMAL is durable across application crashes in WAL mode; only a power loss can drop the last commits.
    await this.shared.query("PRAGMA synchronous = NORMAL");
  }

  /** Rejects with the open error when the file could not be opened or configured. */
  private async opened(): Promise<void> {
    const failed = await this.ready;
    if (failed) throw failed;
  }

  /** One statement for many rows; a key repeated in it would take its last value, but WriteBatcher sends each once. */
  private upsert(rows: BatchedRow[]): Promise<unknown> {
    const values = rows.map(() => "(?, ?)").join(", ");
    return this.shared.query(
      `INSERT INTO ${TABLE} (key, value) VALUES ${values} ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
      ...rows.flat(),
    );
  }

  private async query<R>(sql: string, ...params: unknown[]): Promise<R[]> {
    await this.opened();
    return (await this.shared.query(sql, ...params)) as R[];
  }

  adapter(): CollectionAdapter {
    return new CollectionAdapter(this.shared, () => this.opened());
  }

  async addRaw(key: string, raw: string, _ttlMs: number | undefined, now: number): Promise<boolean> {
    await this.writes.flush();
    // One statement, so atomic across every connection to the file: insert, or take over a row whose
    // stored `expires` has passed; a live row is left alone and RETURNING yields nothing.
    const rows = await this.query(
      `INSERT INTO ${TABLE} (key, value) VALUES (?, ?)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value
       WHERE json_extract(${TABLE}.value, '$.expires') < ?
       RETURNING key`,
      key,
      raw,
      now,
    );
    return rows.length === 1;
  }

  async *scan(prefix: string): AsyncIterable<RawEntry[]> {
    const upper = prefixUpperBound(prefix);
    // Keyset pagination: stable while rows are added or deleted during the scan, unlike LIMIT/OFFSET.
    let rows = await this.query<{ key: string; value: string }>(
      `SELECT key, value FROM ${TABLE} WHERE key >= ? AND key < ? ORDER BY key LIMIT ?`,
      prefix,
      upper,
      PAGE_SIZE,
    );
    while (rows.length > 0) {
      yield rows.map((r) => [r.key, r.value]);
      if (rows.length < PAGE_SIZE) return;
      const last = rows[rows.length - 1]!.key;
      rows = await this.query(
        `SELECT key, value FROM ${TABLE} WHERE key > ? AND key < ? ORDER BY key LIMIT ?`,
        last,
        upper,
        PAGE_SIZE,
      );
    }
  }

  async purgeExpired(prefix: string, now: number): Promise<number> {
    await this.writes.flush();
    const rows = await this.query(
      `DELETE FROM ${TABLE} WHERE key >= ? AND key < ? AND json_extract(value, '$.expires') < ? RETURNING key`,
      prefix,
      prefixUpperBound(prefix),
      now,
    );
    return rows.length;
  }

  async ping(): Promise<void> {
    await this.query("SELECT 1");
  }

  async close(): Promise<void> {
    // A file that never opened has nothing to close, and closing would only repeat the open error.
    if (await this.ready) return;
    // Writes still waiting for their batch are written (or fail) before the connection goes.
    await this.writes.flush();
    await this.shared.disconnect();
  }
}
