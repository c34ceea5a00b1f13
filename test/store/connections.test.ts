import { readdirSync, readlinkSync } from "node:fs";
import { createClient } from "@keyv/redis";
import { afterAll, describe, expect, it } from "vitest";
import { prepareBackends, REDIS_URL, reportUnavailable, runId, sleep, withPostgres } from "./backends.js";

// A bot opens about ten collections; they must share one connection (Redis, SQLite) or one small pool
// (PostgreSQL), and close() must give every connection back so the process can exit.

const backends = await prepareBackends();
afterAll(() => Promise.all(backends.filter((b) => !b.unavailable).map((b) => b.cleanup())));
const COLLECTIONS = 10;

async function redisConnections(name: string): Promise<number> {
  const admin = createClient({ url: REDIS_URL, socket: { reconnectStrategy: false } });
  admin.on("error", () => {});
  await admin.connect();
  try {
    const list = String(await admin.sendCommand(["CLIENT", "LIST"]));
    return list.split("\n").filter((line) => line.includes(` name=${name} `)).length;
  } finally {
    await admin.close();
  }
}

/** Makes the server drop every connection of the store, as a restart or a network blip would. */
async function dropConnections(backendName: string, name: string): Promise<number> {
  if (backendName === "redis") {
    const admin = createClient({ url: REDIS_URL, socket: { reconnectStrategy: false } });
    admin.on("error", () => {});
    await admin.connect();
    try {
      const list = String(await admin.sendCommand(["CLIENT", "LIST"]));
      let killed = 0;
      for (const line of list.split("\n").filter((l) => l.includes(` name=${name} `))) {
        const id = /\bid=(\d+)/.exec(line)?.[1];
        if (id) killed += Number(await admin.sendCommand(["CLIENT", "KILL", "ID", id]));
      }
      return killed;
    } finally {
      await admin.close();
    }
  }
  const rows = await withPostgres((query) =>
    query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '${name}'`),
  );
  return rows.length;
}

async function postgresConnections(name: string): Promise<number> {
  const rows = await withPostgres((query) =>
    query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = '${name}'`),
  );
  return (rows[0] as { n: number }).n;
}

function sqliteHandles(file: string): number {
  return readdirSync("/proc/self/fd").filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === file;
    } catch {
      return false;
    }
  }).length;
}

/** Polls until the server has noticed the disconnects (it learns of them asynchronously). */
async function eventually(count: () => Promise<number> | number): Promise<number> {
  let n = await count();
  for (let i = 0; i < 40 && n > 0; i++) {
    await sleep(50);
    n = await count();
  }
  return n;
}

describe.each(backends.filter((b) => b.name !== "memory"))("connections on $name", (backend) => {
  if (backend.unavailable) {
    reportUnavailable(backend.unavailable);
    return;
  }

  const clientName = `ndtest-conn-${runId()}`;
  const count: () => Promise<number> | number =
    backend.name === "redis"
      ? () => redisConnections(clientName)
      : backend.name === "postgres"
        ? () => postgresConnections(clientName)
        : () => sqliteHandles(new URL(backend.url.replace(/^sqlite:\/\//, "file://")).pathname);

  it(`shares connections between ${COLLECTIONS} collections and releases them on close()`, async () => {
    const poolSize = 3;
    const store = await backend.open({ clientName, poolSize });
    const collections = Array.from({ length: COLLECTIONS }, (_, i) => store.collection<number>(`conn${i}`));
    await Promise.all(collections.flatMap((c, i) => Array.from({ length: 30 }, (_, j) => c.set(`k${j}`, i * 100 + j))));
    await Promise.all(collections.map((c) => c.add("lease", 1)));
    const open = await count();
    if (backend.name === "postgres") {
      expect(open).toBeGreaterThanOrEqual(1);
      expect(open).toBeLessThanOrEqual(poolSize);
    } else {
      expect(open).toBe(1);
    }
    await store.close();
    expect(await eventually(count)).toBe(0);
  });

  // A SQLite file has no server to drop the connection.
  if (backend.name === "sqlite") return;
  it("keeps working after the server drops its connections", async () => {
    const name = `${clientName}-drop`;
    const store = await backend.open({ clientName: name });
    try {
      const c = store.collection<string>("survivor");
      await c.set("before", "1");
      expect(await dropConnections(backend.name, name)).toBeGreaterThanOrEqual(1);
      await sleep(100);
      // The first call after the drop may fail with a clear StoreError; the store must then recover on its own.
      let recovered = false;
      for (let i = 0; i < 40 && !recovered; i++) {
        recovered = await c.set("after", "2").then(
          () => true,
          () => false,
        );
        if (!recovered) await sleep(100);
      }
      expect(recovered).toBe(true);
      expect(await c.getMany(["before", "after"])).toEqual(["1", "2"]);
    } finally {
      await store.close();
    }
  });
});
