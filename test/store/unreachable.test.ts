import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openStore } from "../../src/store/keyv-store.js";
import { StoreError } from "../../src/store/store.js";
import { POSTGRES_URL, servicesRequired, sleep, withPostgres } from "./backends.js";

// An operator with a wrong STORE_URL must get one clear line at start-up, with the password hidden,
// not a stack trace, a crash from an 'error' event, or a process retrying in the background.

async function openAndPing(url: string): Promise<void> {
  const store = await openStore(url, { connectTimeoutMs: 2_000, purgeIntervalMs: 0 });
  try {
    await store.ping();
  } finally {
    await store.close();
  }
}

async function failure(url: string): Promise<StoreError> {
  try {
    await openAndPing(url);
  } catch (err) {
    expect(err).toBeInstanceOf(StoreError);
    return err as StoreError;
  }
  throw new Error(`opening ${url} succeeded`);
}

function expectOneClearLine(err: StoreError, maskedUrl: string, secret?: string): void {
  expect(err.message).toContain(maskedUrl);
  expect(err.message).not.toContain("\n");
  expect(err.message).not.toMatch(/\bat .+:\d+:\d+/);
  if (secret) expect(err.message).not.toContain(secret);
}

/** A port nothing listens on: bound by us, then released. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A server that accepts connections and hangs up at once, counting attempts. */
async function hangUpServer(): Promise<{ port: number; attempts: () => number; close: () => Promise<void> }> {
  let attempts = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    attempts++;
    sockets.add(socket);
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    attempts: () => attempts,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe("a store that cannot be reached", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "newsdesk-unreachable-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("Redis on a closed port: one StoreError naming the URL, password masked", async () => {
    const port = await closedPort();
    const err = await failure(`redis://bot:hunter2@127.0.0.1:${port}`);
    expectOneClearLine(err, `redis://bot:***@127.0.0.1:${port}`, "hunter2");
    expect(err.message).toMatch(/ECONNREFUSED/);
  });

  it("PostgreSQL on a closed port: one StoreError naming the URL, password masked", async () => {
    const port = await closedPort();
    const err = await failure(`postgres://bot:hunter2@127.0.0.1:${port}/newsdesk`);
    expectOneClearLine(err, `postgres://bot:***@127.0.0.1:${port}/newsdesk`, "hunter2");
    expect(err.message).toMatch(/ECONNREFUSED/);
  });

  it.each([
    ["Redis", "redis://bot:hunter2@127.0.0.1:PORT"],
    ["PostgreSQL", "postgres://bot:hunter2@127.0.0.1:PORT/newsdesk"],
  ])("%s down: every operation fails with the real reason, masked, and the store stays usable", async (_, template) => {
    const port = await closedPort();
    const url = template.replace("PORT", String(port));
    const store = await openStore(url, { connectTimeoutMs: 2_000, purgeIntervalMs: 0 });
    try {
      const c = store.collection<string>("feeds");
      for (const attempt of [() => c.get("k"), () => c.set("k", "v"), () => c.add("k", "v"), () => c.getMany(["k"])]) {
        const err = await attempt().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(StoreError);
        expectOneClearLine(err as StoreError, url.replace("hunter2", "***"), "hunter2");
        expect((err as StoreError).message).toMatch(/ECONNREFUSED/);
      }
    } finally {
      await store.close();
    }
  });

  it("an unknown host: the resolver's answer, not a hang", async () => {
    const redis = await failure("redis://no-such-host.invalid:6379");
    expectOneClearLine(redis, "redis://no-such-host.invalid:6379");
    expect(redis.message).toMatch(/ENOTFOUND|EAI_AGAIN/);
    const pg = await failure("postgres://bot:pw@no-such-host.invalid/newsdesk");
    expectOneClearLine(pg, "postgres://bot:***@no-such-host.invalid/newsdesk", ":pw@");
    expect(pg.message).toMatch(/ENOTFOUND|EAI_AGAIN/);
  });

  it("a SQLite file whose directory cannot be created", async () => {
    const blocker = path.join(dir, "a-file");
    writeFileSync(blocker, "not a directory");
    const url = `sqlite://${blocker}/data/newsdesk.sqlite`;
    const err = await failure(url);
    expectOneClearLine(err, url);
    expect(err.message).toMatch(/ENOTDIR|not a directory/i);
  });

  it("a SQLite path that is a directory", async () => {
    const url = `sqlite://${dir}`;
    const err = await failure(url);
    expectOneClearLine(err, url);
    expect(err.message).toMatch(/SQLITE_CANTOPEN|unable to open/i);
  });

  it("a server that hangs up: the clients give up instead of reconnecting in a loop", async () => {
    const server = await hangUpServer();
    try {
      await failure(`redis://127.0.0.1:${server.port}`);
      await failure(`postgres://bot@127.0.0.1:${server.port}/newsdesk`);
      const afterFailing = server.attempts();
      await sleep(1_000);
      // A reconnect loop would keep dialling (the Redis client's default retries every ~50–2000 ms, forever).
      expect(server.attempts()).toBe(afterFailing);
      expect(afterFailing).toBeLessThanOrEqual(4);
    } finally {
      await server.close();
    }
  });

  it("an unsupported or malformed URL", async () => {
    await expect(openStore("mysql://db/newsdesk")).rejects.toThrow(/unsupported store URL/);
    await expect(openStore("postgres://db/newsdesk?schema=Drop;Table")).rejects.toThrow(/schema/);
    await expect(openStore("memory:", { prefix: "has.dot" })).rejects.toThrow(/prefix/);
  });
});

// Needs the real server: a database name that does not exist there.
const postgresUp = await withPostgres(async (query) => query("SELECT 1")).then(
  () => undefined,
  (err: Error) => `PostgreSQL at ${POSTGRES_URL} is not reachable: ${err.message}`,
);

describe("a PostgreSQL database that does not exist", () => {
  if (postgresUp !== undefined && !servicesRequired) {
    it.skip(`skipped: ${postgresUp}`, () => {});
    return;
  }
  it("gives one StoreError saying so", async () => {
    const url = new URL(POSTGRES_URL);
    url.pathname = "/newsdesk_no_such_database";
    const err = await failure(url.toString());
    expectOneClearLine(err, url.toString());
    expect(err.message).toMatch(/database "newsdesk_no_such_database" does not exist/);
  });
});
