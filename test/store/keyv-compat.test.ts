import KeyvPostgres from "@keyv/postgres";
import { createKeyv } from "@keyv/redis";
import Keyv from "keyv";
import { afterAll, describe, expect, it } from "vitest";
import { prepareBackends, reportUnavailable, sleep } from "./backends.js";

// add() writes rows with its own SQL or Redis command; they must be exactly what Keyv with the official
// adapter reads, and the other way round, or a value written one way would vanish when read the other.

const prepared = await prepareBackends();
afterAll(() => Promise.all(prepared.filter((b) => !b.unavailable).map((b) => b.cleanup())));
// SQLite has its own compatibility test in sqlite.test.ts; memory has no adapter to compare with.
const backends = prepared.filter((b) => b.name === "redis" || b.name === "postgres");

/** A stock Keyv on the official adapter, configured for the store's key layout `<namespace>:<key>`. */
function stockKeyv(name: string, url: string, namespace: string): Keyv {
  if (name === "redis") {
    return createKeyv(url, { namespace, keyPrefixSeparator: ":", throwOnErrors: true });
  }
  const parsed = new URL(url);
  const schema = parsed.searchParams.get("schema") ?? "public";
  parsed.searchParams.delete("schema");
  return new Keyv({ store: new KeyvPostgres({ uri: parsed.toString(), schema }), namespace });
}

describe.each(backends)("Keyv compatibility on $name", (backend) => {
  if (backend.unavailable) {
    reportUnavailable(backend.unavailable);
    return;
  }

  it("a stock Keyv reads what add() wrote, TTL included, and the store reads what it writes", async () => {
    const store = await backend.open();
    const namespace = `${backend.prefix}.v1.compat`;
    const stock = stockKeyv(backend.name, backend.url, namespace);
    try {
      const c = store.collection<{ title: string; n: number[] }>("compat");
      expect(await c.add("story", { title: ":colon first ünïcode", n: [1, 2] })).toBe(true);
      expect(await c.add("brief", { title: "short-lived", n: [] }, 150)).toBe(true);
      expect(await stock.get("story")).toEqual({ title: ":colon first ünïcode", n: [1, 2] });
      expect(await stock.get("brief")).toEqual({ title: "short-lived", n: [] });

      await stock.set("from-keyv", { title: "hello", n: [3] });
      expect(await c.get("from-keyv")).toEqual({ title: "hello", n: [3] });
      expect(await c.add("from-keyv", { title: "again", n: [] })).toBe(false);

      await sleep(450);
      expect(await stock.get("brief")).toBeUndefined();
      expect(await c.get("brief")).toBeUndefined();
    } finally {
      await stock.disconnect();
      await store.close();
    }
  });
});
