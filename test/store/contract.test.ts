import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KeyvStore } from "../../src/store/keyv-store.js";
import { type Collection, StoreError } from "../../src/store/store.js";
import { prepareBackends, reportUnavailable, sleep } from "./backends.js";

// The same behaviour on every backend: what the rest of newsdesk relies on whichever STORE_URL is set.
const backends = await prepareBackends();
// At file level, so it runs even when a name filter (-t) skips a backend's tests after the probe wrote to it.
afterAll(() => Promise.all(backends.filter((b) => !b.unavailable).map((b) => b.cleanup())));

/** Short enough to keep the suite quick, long enough that a slow CI machine writes and reads well within it. */
const TTL = 150;
const PAST_TTL = 450;

describe.each(backends)("store contract on $name", (backend) => {
  if (backend.unavailable) {
    reportUnavailable(backend.unavailable);
    return;
  }

  let store: KeyvStore;
  let counter = 0;
  /** Each test gets its own collection, so tests cannot see each other's keys. */
  const fresh = <T>(options?: { ttlMs?: number }): Collection<T> => store.collection<T>(`c${++counter}`, options);

  beforeAll(async () => {
    store = await backend.open();
  });
  afterAll(async () => {
    await store?.close();
  });

  it("answers ping()", async () => {
    await expect(store.ping()).resolves.toBeUndefined();
  });

  it("gets, sets, checks and deletes one key", async () => {
    const c = fresh<{ n: number }>();
    expect(await c.get("k")).toBeUndefined();
    expect(await c.has("k")).toBe(false);
    await c.set("k", { n: 1 });
    expect(await c.get("k")).toEqual({ n: 1 });
    expect(await c.has("k")).toBe(true);
    await c.set("k", { n: 2 });
    expect(await c.get("k")).toEqual({ n: 2 });
    expect(await c.delete("k")).toBe(true);
    expect(await c.get("k")).toBeUndefined();
    expect(await c.has("k")).toBe(false);
    expect(await c.delete("k")).toBe(false);
  });

  it("getMany returns values in the order asked, undefined for missing keys", async () => {
    const c = fresh<string>();
    await c.set("a", "A");
    await c.set("c", "C");
    expect(await c.getMany(["c", "missing", "a", "c"])).toEqual(["C", undefined, "A", "C"]);
    expect(await c.getMany([])).toEqual([]);
  });

  it("round-trips values of every JSON shape", async () => {
    const c = fresh<unknown>();
    const values: Record<string, unknown> = {
      nested: { a: { b: { c: [1, { d: "deep" }] } }, empty: {}, list: [] },
      array: [1, "two", [3, [4]], { five: 5 }, null, true],
      unicode: { text: "Zürich — naïve café 東京 🚀👩‍💻 עברית", escapes: 'quote " backslash \\ nul \u0000 tab \t' },
      numbers: [0, -1, 1.5, -2.25e-7, 1e300, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER],
      nullInside: { a: null, b: [null], c: { d: null } },
      colonStrings: [":starts with a colon", "::two", "a:b", ":base64:not really"],
      emptyString: "",
      zero: 0,
      falseValue: false,
      topLevelNull: null,
    };
    for (const [key, value] of Object.entries(values)) await c.set(key, value);
    for (const [key, value] of Object.entries(values)) expect(await c.get(key), key).toEqual(value);
    expect(await c.has("topLevelNull")).toBe(true);
  });

  it("round-trips a 1 MB value", async () => {
    const c = fresh<{ body: string; items: number[] }>();
    const body = "newsdesk ✓ ".repeat((1024 * 1024) / 11);
    const value = { body, items: Array.from({ length: 10_000 }, (_, i) => i) };
    expect(body.length).toBeGreaterThan(1_000_000);
    await c.set("big", value);
    expect(await c.get("big")).toEqual(value);
    expect(await c.add("big2", value)).toBe(true);
    expect(await c.get("big2")).toEqual(value);
  });

  it("accepts keys with separators, spaces and unicode", async () => {
    const c = fresh<number>();
    const keys = ["a:b:c", "with space", "ключ/🔑", "https://example.com/feed?x=1&y=2", "%_*?[x]"];
    for (const [i, key] of keys.entries()) await c.set(key, i);
    expect(await c.getMany(keys)).toEqual(keys.map((_, i) => i));
    const listed = new Map<string, number>();
    for await (const [k, v] of c.entries()) listed.set(k, v);
    expect(listed).toEqual(new Map(keys.map((k, i) => [k, i])));
  });

  it("rejects bad input with a StoreError and writes nothing", async () => {
    const c = fresh<unknown>();
    await expect(c.set("x".repeat(300), 1)).rejects.toThrow(/at most \d+ fit/);
    await expect(c.set("k", undefined)).rejects.toThrow(StoreError);
    await expect(c.set("k", 1, -5)).rejects.toThrow(/TTL -5 is not valid/);
    await expect(c.add("k", 1, Number.NaN)).rejects.toThrow(StoreError);
    expect(await c.get("k")).toBeUndefined();
    expect(() => store.collection("bad:name")).toThrow(StoreError);
    expect(() => store.collection("ok", { ttlMs: -1 })).toThrow(StoreError);
  });

  it("expires an entry after its own TTL", async () => {
    const c = fresh<string>();
    await c.set("short", "v", TTL);
    await c.set("forever", "v");
    expect(await c.get("short")).toBe("v");
    await sleep(PAST_TTL);
    expect(await c.get("short")).toBeUndefined();
    expect(await c.has("short")).toBe(false);
    expect(await c.getMany(["short", "forever"])).toEqual([undefined, "v"]);
  });

  it("applies the collection's default TTL unless a write overrides it (0 = never)", async () => {
    const c = fresh<string>({ ttlMs: TTL });
    await c.set("default", "v");
    await c.set("never", "v", 0);
    await c.set("longer", "v", 60_000);
    await c.add("added", "v");
    await sleep(PAST_TTL);
    expect(await c.getMany(["default", "never", "longer", "added"])).toEqual([undefined, "v", "v", undefined]);
  });

  it("add writes only when the key is absent, in the format get() reads", async () => {
    const c = fresh<{ owner: string }>();
    expect(await c.add("lease", { owner: "a" })).toBe(true);
    expect(await c.get("lease")).toEqual({ owner: "a" });
    expect(await c.add("lease", { owner: "b" })).toBe(false);
    expect(await c.get("lease")).toEqual({ owner: "a" });

    await c.set("taken", { owner: "set" });
    expect(await c.add("taken", { owner: "add" })).toBe(false);
    expect(await c.get("taken")).toEqual({ owner: "set" });

    expect(await c.delete("lease")).toBe(true);
    expect(await c.add("lease", { owner: "c" })).toBe(true);
    expect(await c.get("lease")).toEqual({ owner: "c" });
  });

  it("add with a TTL expires, and an expired key can be added again", async () => {
    const c = fresh<string>();
    expect(await c.add("claim", "first", TTL)).toBe(true);
    expect(await c.add("claim", "second", TTL)).toBe(false);
    await sleep(PAST_TTL);
    expect(await c.get("claim")).toBeUndefined();
    expect(await c.add("claim", "third")).toBe(true);
    expect(await c.get("claim")).toBe("third");

    // Expired but never read (so not lazily deleted): add must still treat it as absent.
    await c.set("stale", "old", TTL);
    await sleep(PAST_TTL);
    expect(await c.add("stale", "new")).toBe(true);
    expect(await c.get("stale")).toBe("new");
  });

  /** Stores that share data: separate instances (own connections, like separate processes) where the backend allows. */
  async function contenders(count: number): Promise<KeyvStore[]> {
    if (!backend.shared) return [store];
    return Promise.all(Array.from({ length: count }, () => backend.open()));
  }

  async function race(stores: KeyvStore[], collection: string, key: string, ttl?: number) {
    const results = await Promise.all(
      stores.flatMap((s, i) =>
        Array.from({ length: 5 }, (_, j) => s.collection<string>(collection).add(key, `${i}-${j}`, ttl)),
      ),
    );
    return results;
  }

  it("add is atomic: of many concurrent adds from separate stores exactly one wins", async () => {
    const stores = await contenders(4);
    try {
      const name = `race${++counter}`;
      const results = await race(stores, name, "job");
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = `${Math.floor(results.indexOf(true) / 5)}-${results.indexOf(true) % 5}`;
      for (const s of stores) expect(await s.collection<string>(name).get("job")).toBe(winner);
    } finally {
      if (backend.shared) await Promise.all(stores.map((s) => s.close()));
    }
  });

  it("add is atomic on an expired key too: exactly one contender takes it over", async () => {
    const stores = await contenders(4);
    try {
      const name = `race${++counter}`;
      await store.collection<string>(name).set("job", "old", TTL);
      await sleep(PAST_TTL);
      const results = await race(stores, name, "job", 60_000);
      expect(results.filter(Boolean)).toHaveLength(1);
    } finally {
      if (backend.shared) await Promise.all(stores.map((s) => s.close()));
    }
  });

  it("entries() lists exactly the live entries of its own collection, thousands of them", async () => {
    const name = `list${++counter}`;
    const c = store.collection<{ i: number }>(name);
    // Collections whose names or prefixes look alike must not leak into each other (LIKE treats "_" as a wildcard).
    const lookalikes = [store.collection(`${name}x`), store.collection(`${name}_a`), store.collection(`${name}Xa`)];
    const expected = new Map<string, { i: number }>();
    const writes: Promise<void>[] = [];
    for (let i = 0; i < 2_500; i++) {
      const key = `item-${i}`;
      expected.set(key, { i });
      writes.push(c.set(key, { i }));
      if (writes.length === 250) await Promise.all(writes.splice(0));
    }
    await Promise.all(writes);
    for (let i = 0; i < 25; i++) await c.set(`expiring-${i}`, { i: -i }, TTL);
    for (const other of lookalikes) await other.set("item-1", { i: -1 });
    await store.collection(`${name}_a`).set("only-there", { i: -2 });
    await sleep(PAST_TTL);

    const listed = new Map<string, { i: number }>();
    for await (const [key, value] of c.entries()) {
      expect(listed.has(key), `${key} listed twice`).toBe(false);
      listed.set(key, value);
    }
    expect(listed.size).toBe(expected.size);
    expect(listed).toEqual(expected);

    const underscore = new Map<string, unknown>();
    for await (const [key, value] of store.collection(`${name}_a`).entries()) underscore.set(key, value);
    expect(underscore).toEqual(
      new Map([
        ["item-1", { i: -1 }],
        ["only-there", { i: -2 }],
      ]),
    );
  });

  it("keeps collections apart", async () => {
    const a = fresh<string>();
    const b = fresh<string>();
    await a.set("same", "in a");
    await b.set("same", "in b");
    expect(await a.get("same")).toBe("in a");
    expect(await b.get("same")).toBe("in b");
    expect(await b.add("same", "again")).toBe(false);
    await a.delete("same");
    expect(await a.get("same")).toBeUndefined();
    expect(await b.get("same")).toBe("in b");
  });

  it("sees what another store instance on the same URL wrote", async () => {
    if (!backend.shared) return;
    const other = await backend.open();
    try {
      const name = `shared${++counter}`;
      await store.collection<string>(name).set("k", "from the first");
      expect(await other.collection<string>(name).get("k")).toBe("from the first");
    } finally {
      await other.close();
    }
  });

  it("purges expired entries of its own prefix only", async () => {
    // Stores of their own: the purge covers every collection under a prefix, and other tests leave expired rows.
    const own = await backend.open({ prefix: `${backend.prefix}-purge` });
    const neighbour = await backend.open({ prefix: `${backend.prefix}-purge2` });
    try {
      const c = own.collection<string>("items");
      await c.set("live", "v");
      await c.set("never", "v", 0);
      for (const k of ["a", "b", "c"]) await c.set(k, "v", TTL);
      await own.collection<string>("other").set("d", "v", TTL);
      for (const k of ["a", "b"]) await neighbour.collection<string>("items").set(k, "v", TTL);
      await sleep(PAST_TTL);
      // Reading an expired entry hides it but leaves the row to the purge (a delete on read could destroy
      // a value another process has just added there).
      expect(await c.get("a")).toBeUndefined();
      expect(await c.getMany(["b", "c"])).toEqual([undefined, undefined]);
      // Redis expires keys itself; the SQL tables and the in-memory map keep them until purged.
      const selfExpiring = backend.name === "redis";
      expect(await own.purgeExpired()).toBe(selfExpiring ? 0 : 4);
      expect(await own.purgeExpired()).toBe(0);
      expect(await neighbour.purgeExpired()).toBe(selfExpiring ? 0 : 2);
      expect(await c.getMany(["live", "never", "a"])).toEqual(["v", "v", undefined]);
    } finally {
      await own.close();
      await neighbour.close();
    }
  });

  it("rejects use after close() with a StoreError, and close() twice is harmless", async () => {
    const other = await backend.open();
    const c = other.collection<string>("closing");
    await c.set("k", "v");
    await other.close();
    await other.close();
    await expect(c.get("k")).rejects.toThrow(/is closed/);
    await expect(other.ping()).rejects.toThrow(StoreError);
  });
});
