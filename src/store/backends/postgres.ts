import { createRequire } from "node:module";
import KeyvPostgres from "@keyv/postgres";
import type { Logger } from "../../log.js";
import { type Backend, prefixUpperBound, type RawEntry } from "../backend.js";
import { CollectionAdapter } from "../collection-adapter.js";

const TABLE = "keyv";
const PAGE_SIZE = 200;
/** The codes PostgreSQL raises when two sessions run the same CREATE … IF NOT EXISTS at once. */
const DDL_RACE_CODES = new Set(["23505", "42P07", "42P06"]);

/**
 * SQL for the `expires` of a value Keyv serialized: the envelope's last field, `,"expires":N}` at the very end
 * (a nested "expires" is always followed by more closing braces, and inside strings its quotes are escaped).
 * A pattern, not a JSON cast: PostgreSQL's json type rejects the \u0000 escapes JSON allows, and the pattern
 * does not parse a whole 1 MB value to read one number. NULL when the entry never expires.
 */
function expiresOf(column: string): string {
  return `substring(${column} from '"expires":(-?[0-9][0-9.eE+-]*)}$')::numeric`;
}

/** The part of pg's API the store uses (pg ships no types of its own). */
export interface PgPool {
  query<R = Record<string, unknown>>(sql: string, values?: unknown[]): Promise<{ rows: R[] }>;
  end(): Promise<void>;
  on(event: "error", listener: (err: Error) => void): unknown;
}
interface PgModule {
  Pool: new (config: Record<string, unknown>) => PgPool;
}

/**
 * pg as @keyv/postgres loads it: the adapter's own driver, so the process holds one copy of pg and
 * there is no second version to keep in step.
 */
export function loadPg(): PgModule {
  const adapterEntry = createRequire(import.meta.url).resolve("@keyv/postgres");
  return createRequire(adapterEntry)("pg") as PgModule;
}

/**
 * @keyv/postgres keeps one module-global pool per process and ends it on any adapter's disconnect(),
 * which breaks two stores in one process (and tests). This subclass runs the adapter's queries on the
 * pool the store owns instead.
 */
class PooledKeyvPostgres extends KeyvPostgres {
  override async connect() {
    const pool = (this.opts as { pool: PgPool }).pool;
    return async (sql: string, values?: unknown) => (await pool.query(sql, values as unknown[] | undefined)).rows;
  }
  override async disconnect(): Promise<void> {}
}

export interface PostgresOptions {
  schema: string;
  poolSize: number;
  connectTimeoutMs: number;
  clientName: string;
  logger: Logger;
}

/** One pg pool shared by every collection of the store, used by @keyv/postgres and the store's own queries. */
export class PostgresBackend implements Backend {
  private readonly pool: PgPool;
  private readonly shared: PooledKeyvPostgres;
  private readonly table: string;
  private tableReady: Promise<void> | undefined;
  private ended = false;

  constructor(
    connectionString: string,
    private readonly options: PostgresOptions,
  ) {
    const { Pool } = loadPg();
    this.pool = new Pool({
      connectionString,
      max: options.poolSize,
      connectionTimeoutMillis: options.connectTimeoutMs,
      idleTimeoutMillis: 30_000,
      application_name: options.clientName,
    });
    this.pool.on("error", (err) => options.logger.warn({ err: err.message }, "PostgreSQL connection lost"));
    this.table = `${options.schema}.${TABLE}`;
    this.shared = new PooledKeyvPostgres({ pool: this.pool, schema: options.schema, table: TABLE });
    this.shared.on("error", (err: Error) => options.logger.debug({ err: err.message }, "postgres adapter error"));
  }

  /**
   * Creates the schema, the adapter's table and a byte-order index on the key (for prefix scans whatever
   * the database collation), once. The adapter creates the table too, but only when its constructor runs,
   * so a database that was down at start-up would otherwise never get it.
   */
  private ensureTable(): Promise<void> {
    this.tableReady ??= this.createTable().catch((err: unknown) => {
      this.tableReady = undefined;
      throw err;
    });
    return this.tableReady;
  }

  private async createTable(): Promise<void> {
    const ddl = [
      `CREATE SCHEMA IF NOT EXISTS ${this.options.schema}`,
      `CREATE TABLE IF NOT EXISTS ${this.table} (key VARCHAR(255) PRIMARY KEY, value TEXT)`,
      `CREATE INDEX IF NOT EXISTS ${TABLE}_key_bytes ON ${this.table} (key COLLATE "C")`,
    ];
    for (const statement of ddl) {
      try {
        await this.pool.query(statement);
      } catch (err) {
        // Another process created it between our IF NOT EXISTS check and the insert into the catalog.
        if (!DDL_RACE_CODES.has((err as { code?: string }).code ?? "")) throw err;
      }
    }
  }

  private async query<R>(sql: string, values: unknown[]): Promise<R[]> {
    await this.ensureTable();
    return (await this.pool.query<R>(sql, values)).rows;
  }

  adapter(): CollectionAdapter {
    return new CollectionAdapter(this.shared, () => this.ensureTable());
  }

  async addRaw(key: string, raw: string, _ttlMs: number | undefined, now: number): Promise<boolean> {
    // INSERT … ON CONFLICT is atomic under concurrency: a live row is left alone (no row returned); an
    // expired one is taken over, and a concurrent taker re-checks the row it waited for and sees it live.
    const rows = await this.query(
      `INSERT INTO ${this.table} AS t (key, value) VALUES ($1, $2)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value
       WHERE ${expiresOf("t.value")} < $3
       RETURNING key`,
      [key, raw, now],
    );
    return rows.length === 1;
  }

  async *scan(prefix: string): AsyncIterable<RawEntry[]> {
    const upper = prefixUpperBound(prefix);
    const range = `key COLLATE "C" < $2 ORDER BY key COLLATE "C" LIMIT $3`;
    let rows = await this.query<{ key: string; value: string }>(
      `SELECT key, value FROM ${this.table} WHERE key COLLATE "C" >= $1 AND ${range}`,
      [prefix, upper, PAGE_SIZE],
    );
    while (rows.length > 0) {
      yield rows.map((r) => [r.key, r.value]);
      if (rows.length < PAGE_SIZE) return;
      const last = rows[rows.length - 1]!.key;
      rows = await this.query(`SELECT key, value FROM ${this.table} WHERE key COLLATE "C" > $1 AND ${range}`, [
        last,
        upper,
        PAGE_SIZE,
      ]);
    }
  }

  async purgeExpired(prefix: string, now: number): Promise<number> {
    const rows = await this.query(
      `DELETE FROM ${this.table}
       WHERE key COLLATE "C" >= $1 AND key COLLATE "C" < $2 AND ${expiresOf("value")} < $3
       RETURNING key`,
      [prefix, prefixUpperBound(prefix), now],
    );
    return rows.length;
  }

  async ping(): Promise<void> {
    await this.query("SELECT 1", []);
  }

  async close(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    await this.pool.end();
  }
}
