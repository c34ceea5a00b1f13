import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import KeyvSqlite from "@keyv/sqlite";
import Keyv from "keyv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type KeyvStore, openStore } from "../../src/store/keyv-store.js";
import { runId, sleep } from "./backends.js";

/** A raw connection through the same sqlite3 the adapter uses, as another program on the file would open it. */
interface RawDb {
  all(sql: string, callback: (err: Error | null, rows: Record<string, unknown>[]) => void): void;
  close(callback: (err: Error | null) => void): void;
}
function openRaw(file: string): Promise<RawDb> {
  const sqlite3 = createRequire(createRequire(import.meta.url).resolve("@keyv/sqlite"))("sqlite3") as {
    Database: new (file: string, callback: (err: Error | null) => void) => RawDb;
  };
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(file, (err) => (err ? reject(err) : resolve(db)));
  });
}
const all = (db: RawDb, sql: string) =>
  new Promise<Record<string, unknown>[]>((resolve, reject) =>
    db.all(sql, (err, rows) => (err ? reject(err) : resolve(rows))),
  );
const closeRaw = (db: RawDb) =>
  new Promise<void>((resolve, reject) => db.close((err) => (err ? reject(err) : resolve())));

describe("SQLite store file", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "newsdesk-sqlite-"));
  const file = path.join(dir, "nested", "store.sqlite");
  const prefix = `ndtest-${runId()}`;
  let store: KeyvStore;

  beforeAll(async () => {
    store = await openStore(`sqlite://${file}`, { prefix, purgeIntervalMs: 0 });
    await store.ping();
  });
  afterAll(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("is created with its directory, in WAL mode", async () => {
    const raw = await openRaw(file);
    try {
      expect(await all(raw, "PRAGMA journal_mode")).toEqual([{ journal_mode: "wal" }]);
    } finally {
      await closeRaw(raw);
    }
  });

  it("lets the bot write while another connection holds a read transaction open", async () => {
    const c = store.collection<string>("wal");
    await c.set("before", "1");
    const reader = await openRaw(file);
    try {
      await all(reader, "BEGIN");
      expect(await all(reader, "SELECT count(*) AS n FROM keyv")).toHaveLength(1);
      // In rollback-journal mode this write would wait for the reader and fail with SQLITE_BUSY.
      await c.set("during", "2");
      expect(await c.add("claimed", "3")).toBe(true);
      await all(reader, "COMMIT");
    } finally {
      await closeRaw(reader);
    }
    expect(await c.getMany(["before", "during", "claimed"])).toEqual(["1", "2", "3"]);
  });

  it("writes many rows issued together (batched) correctly: each one read back, the last write of a key winning", async () => {
    const health = store.collection<{ n: number }>("batch-health");
    const seen = store.collection<string[]>("batch-seen");
    // More than one batch's worth, across two collections, and one key written twice without waiting.
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < 300; i++) {
      writes.push(health.set(`feed-${i}`, { n: i }), seen.set(`feed-${i}`, [`k${i}`]));
    }
    writes.push(health.set("feed-7", { n: -7 }));
    await Promise.all(writes);
    const ids = Array.from({ length: 300 }, (_, i) => `feed-${i}`);
    const healths = await health.getMany(ids);
    expect(healths.map((h) => h?.n)).toEqual(ids.map((_, i) => (i === 7 ? -7 : i)));
    expect((await seen.getMany(ids)).map((s) => s?.[0])).toEqual(ids.map((_, i) => `k${i}`));
  });

  it("runs a delete or an add after the batched writes issued before it", async () => {
    const c = store.collection<string>("order");
    // Not awaited: by the next turn of the event loop the writes wait in their batch (not due for a few
    // ms yet) while the delete and the add are issued.
    const writes = [c.set("gone", "x"), c.set("taken", "x")];
    await new Promise((resolve) => setImmediate(resolve));
    expect(await c.delete("gone")).toBe(true);
    expect(await c.add("taken", "y")).toBe(false);
    await Promise.all(writes);
    expect(await c.get("gone")).toBeUndefined();
    expect(await c.get("taken")).toBe("x");
  });

  it("writes what is still waiting for its batch before closing", async () => {
    const other = path.join(dir, "closing.sqlite");
    const first = await openStore(`sqlite://${other}`, { prefix, purgeIntervalMs: 0 });
    await first.ping();
    const pending = first.collection<string>("c").set("late", "written");
    // By the next turn of the event loop the write waits in its batch, which is not due for a few ms yet.
    await new Promise((resolve) => setImmediate(resolve));
    await first.close();
    await pending;
    const second = await openStore(`sqlite://${other}`, { prefix, purgeIntervalMs: 0 });
    try {
      expect(await second.collection<string>("c").get("late")).toBe("written");
    } finally {
      await second.close();
    }
  });

  it("writes add() in the format a stock Keyv with @keyv/sqlite reads, TTL included", async () => {
    const c = store.collection<{ title: string; tags: string[] }>("compat");
    expect(await c.add("story", { title: ":colon first", tags: ["a", "b"] })).toBe(true);
    expect(await c.add("brief", { title: "short-lived", tags: [] }, 150)).toBe(true);
    const stock = new Keyv({ store: new KeyvSqlite({ uri: `sqlite://${file}` }), namespace: `${prefix}.v1.compat` });
    try {
      expect(await stock.get("story")).toEqual({ title: ":colon first", tags: ["a", "b"] });
      expect(await stock.get("brief")).toEqual({ title: "short-lived", tags: [] });
      await sleep(450);
      expect(await stock.get("brief")).toBeUndefined();
      // And the other way round: what stock Keyv writes, the store reads.
      await stock.set("from-keyv", { title: "hello", tags: ["x"] });
      expect(await c.get("from-keyv")).toEqual({ title: "hello", tags: ["x"] });
    } finally {
      await stock.disconnect();
    }
  });

  it("purges expired rows on its own once the first ping() succeeds", async () => {
    const c = store.collection<string>("swept");
    for (const k of ["a", "b", "c"]) await c.set(k, "v", 50);
    await c.set("kept", "v");
    await sleep(150);
    const rows = async () => {
      const raw = await openRaw(file);
      try {
        const found = await all(raw, `SELECT key FROM keyv WHERE key LIKE '${prefix}.v1.swept:%' ORDER BY key`);
        return found.map((r) => String(r.key).split(":").pop());
      } finally {
        await closeRaw(raw);
      }
    };
    expect(await rows()).toEqual(["a", "b", "c", "kept"]);

    // A second process starting up on the file, with the default purge schedule.
    const starting = await openStore(`sqlite://${file}`, { prefix });
    try {
      await starting.ping();
      let left = await rows();
      for (let i = 0; i < 40 && left.length > 1; i++) {
        await sleep(50);
        left = await rows();
      }
      expect(left).toEqual(["kept"]);
    } finally {
      await starting.close();
    }
  });
});
