import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createClient } from "@keyv/redis";
import { it } from "vitest";
import { loadPg } from "../../src/store/backends/postgres.js";
import { type KeyvStore, openStore } from "../../src/store/keyv-store.js";
import type { StoreOptions } from "../../src/store/store.js";

/** CI sets this: a backend that cannot be reached fails the suite instead of being skipped. */
export const servicesRequired = process.env.NEWSDESK_REQUIRE_SERVICES === "1";

/**
 * In a describe block whose server is down: one failing test when CI requires the services, one
 * skipped test carrying the reason otherwise, so a missing server is never a silent pass.
 */
export function reportUnavailable(reason: string): void {
  if (servicesRequired) {
    it("has its service running (NEWSDESK_REQUIRE_SERVICES=1)", () => {
      throw new Error(reason);
    });
  } else {
    it.skip(`skipped: ${reason}`, () => {});
  }
}

export const REDIS_URL = process.env.NEWSDESK_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
export const POSTGRES_URL = process.env.NEWSDESK_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";

export type BackendName = "memory" | "sqlite" | "redis" | "postgres";

export interface TestBackend {
  name: BackendName;
  /** The URL this run uses: its own SQLite file or PostgreSQL schema. */
  url: string;
  /** The key prefix this run uses, so parallel files and earlier runs never see each other's keys. */
  prefix: string;
  /** Whether two Store instances on the URL see the same data (false only for memory:). */
  shared: boolean;
  /** Why the backend cannot be used here, or undefined when it can. */
  unavailable: string | undefined;
  open(options?: StoreOptions): Promise<KeyvStore>;
  /** Removes everything this run wrote. */
  cleanup(): Promise<void>;
}

/** Unique per test file and run: pid for parallel files, random bytes for reruns with a recycled pid. */
export function runId(): string {
  return `${process.pid.toString(36)}${randomBytes(4).toString("hex")}`;
}

function makeBackend(
  name: BackendName,
  url: string,
  prefix: string,
  shared: boolean,
  cleanup: () => Promise<void>,
): TestBackend {
  return {
    name,
    url,
    prefix,
    shared,
    unavailable: undefined,
    // Purging is tested explicitly; a background purge would race the assertions about expired rows.
    open: (options = {}) => openStore(url, { prefix, purgeIntervalMs: 0, connectTimeoutMs: 2_000, ...options }),
    cleanup,
  };
}

export async function deleteRedisKeys(pattern: string): Promise<void> {
  const client = createClient({ url: REDIS_URL, socket: { reconnectStrategy: false } });
  client.on("error", () => {});
  await client.connect();
  try {
    let cursor = "0";
    do {
      const page = await client.scan(cursor, { MATCH: pattern, COUNT: 1000 });
      cursor = String(page.cursor);
      if (page.keys.length > 0) await client.del(page.keys);
    } while (cursor !== "0");
  } finally {
    await client.close();
  }
}

export async function withPostgres<R>(fn: (query: (sql: string) => Promise<unknown[]>) => Promise<R>): Promise<R> {
  const { Pool } = loadPg();
  const pool = new Pool({ connectionString: POSTGRES_URL, max: 1, connectionTimeoutMillis: 2_000 });
  pool.on("error", () => {});
  try {
    return await fn(async (sql) => (await pool.query(sql)).rows);
  } finally {
    await pool.end();
  }
}

/** Every backend, each with this run's own namespace, probed once: unreachable ones carry the reason. */
export async function prepareBackends(): Promise<TestBackend[]> {
  const id = runId();
  const prefix = `ndtest-${id}`;
  const dir = mkdtempSync(path.join(os.tmpdir(), "newsdesk-store-"));
  const schema = `ndtest_${id}`;
  const pgUrl = new URL(POSTGRES_URL);
  pgUrl.searchParams.set("schema", schema);

  const backends = [
    makeBackend("memory", "memory:", prefix, false, async () => {}),
    makeBackend("sqlite", `sqlite://${path.join(dir, "store.sqlite")}`, prefix, true, async () =>
      rmSync(dir, { recursive: true, force: true }),
    ),
    // Tests derive further prefixes from this one (`${prefix}-purge`), so clean up everything that starts with it.
    makeBackend("redis", REDIS_URL, prefix, true, () => deleteRedisKeys(`${prefix}*`)),
    makeBackend("postgres", pgUrl.toString(), prefix, true, () =>
      withPostgres(async (query) => {
        await query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      }),
    ),
  ];
  for (const backend of backends) backend.unavailable = await probe(backend);
  return backends;
}

async function probe(backend: TestBackend): Promise<string | undefined> {
  let store: KeyvStore | undefined;
  try {
    store = await backend.open();
    await store.ping();
    return undefined;
  } catch (err) {
    return `${backend.name} at ${backend.url} is not reachable: ${(err as Error).message}`;
  } finally {
    await store?.close();
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
