import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openStore } from "../../src/store/keyv-store.js";
import { StoreError } from "../../src/store/store.js";
import { parseStoreUrl } from "../../src/store/store-url.js";

// STORE_URL is the operator's only storage setting: newsdesk's own parameters ride on it and must never
// reach the driver, while the driver's own parameters (sslmode, …) must pass through untouched.
describe("STORE_URL parameters", () => {
  it("takes prefix, schema and pool_size off and keeps the driver's parameters", () => {
    expect(
      parseStoreUrl("postgres://bot:pw@db/newsdesk?sslmode=require&schema=bot&pool_size=10&prefix=staging"),
    ).toEqual({
      scheme: "postgres",
      target: "postgres://bot:pw@db/newsdesk?sslmode=require",
      prefix: "staging",
      schema: "bot",
      poolSize: 10,
    });
    expect(parseStoreUrl("redis://127.0.0.1:6379/2?prefix=blue")).toEqual({
      scheme: "redis",
      target: "redis://127.0.0.1:6379/2",
      prefix: "blue",
    });
    expect(parseStoreUrl("sqlite://./data/newsdesk.sqlite")).toEqual({
      scheme: "sqlite",
      target: "sqlite://./data/newsdesk.sqlite",
    });
  });

  it("rejects parameters that do not fit, naming the masked URL", () => {
    const attempts = [
      ["redis://:pw@cache?schema=x", /schema= applies to postgres/],
      ["postgres://u:pw@db/x?schema=Robert');DROP", /schema .* must be lower-case/],
      ["postgres://u:pw@db/x?pool_size=0", /pool_size "0" must be 1 to 100/],
      ["sqlite://./x.sqlite?pool_size=2", /pool_size= applies to postgres/],
    ] as const;
    for (const [url, message] of attempts) {
      let error: unknown;
      try {
        parseStoreUrl(url);
      } catch (err) {
        error = err;
      }
      expect(error, url).toBeInstanceOf(StoreError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain(":pw@");
    }
  });

  describe("prefix= on a real store", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "newsdesk-store-url-"));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it("keeps two deployments on one SQLite file apart", async () => {
      const file = path.join(dir, "shared.sqlite");
      const blue = await openStore(`sqlite://${file}?prefix=blue`, { purgeIntervalMs: 0 });
      const green = await openStore(`sqlite://${file}?prefix=green`, { purgeIntervalMs: 0 });
      try {
        await blue.collection<string>("feeds").set("hn", "blue's");
        expect(await green.collection<string>("feeds").get("hn")).toBeUndefined();
        expect(await green.collection<string>("feeds").add("hn", "green's")).toBe(true);
        expect(await blue.collection<string>("feeds").get("hn")).toBe("blue's");
        expect(await green.collection<string>("feeds").get("hn")).toBe("green's");
      } finally {
        await blue.close();
        await green.close();
      }
    });
  });
});
