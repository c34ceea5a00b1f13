import { afterEach, describe, expect, it } from "vitest";
import { defaultSettings } from "../../src/config/load.js";
import {
  FeedStateStore,
  SEEN_MAX_KEYS,
  SEEN_TTL_MS,
  type SeenItems,
  seenKeys,
  updateSeen,
} from "../../src/feeds/feed-state.js";
import { Poller } from "../../src/feeds/poller.js";
import { openStore } from "../../src/store/keyv-store.js";
import type { Store } from "../../src/store/store.js";
import { type FeedServer, rssFeed, startFeedServer } from "./feed-server.js";

const DAY = 86_400_000;
const now = Date.parse("2026-01-07T12:00:00Z");
const URL_A = "https://a.test/feed.xml";

function asMap(seen: SeenItems | null): Map<string, number> {
  if (!seen) throw new Error("expected a record");
  expect(seen.keys).toHaveLength(seen.seenAt.length);
  return new Map(seen.keys.map((key, i) => [key, seen.seenAt[i] as number]));
}

describe("updateSeen", () => {
  it("records present keys, refreshes them at most once a day, and skips writes that change nothing", () => {
    const first = updateSeen(undefined, URL_A, ["k1", "k2"], now);
    expect(asMap(first)).toEqual(
      new Map([
        ["k1", now],
        ["k2", now],
      ]),
    );
    // An hour later with the same items: nothing worth a store write.
    expect(updateSeen(first ?? undefined, URL_A, ["k1", "k2"], now + DAY / 24)).toBeNull();
    // A new item is added; the old ones keep their time until a day has passed.
    const second = updateSeen(first ?? undefined, URL_A, ["k3", "k1"], now + DAY / 2);
    expect(asMap(second)).toEqual(
      new Map([
        ["k1", now],
        ["k2", now],
        ["k3", now + DAY / 2],
      ]),
    );
    const third = updateSeen(second ?? undefined, URL_A, ["k1"], now + 2 * DAY);
    expect(asMap(third).get("k1")).toBe(now + 2 * DAY);
  });

  it("forgets keys unseen for longer than the TTL, and keeps the newest past the cap", () => {
    const old = updateSeen(undefined, URL_A, ["gone", "kept"], now);
    const later = now + SEEN_TTL_MS + DAY;
    const next = updateSeen(old ?? undefined, URL_A, ["kept"], later);
    expect([...asMap(next).keys()]).toEqual(["kept"]);

    const many = Array.from({ length: SEEN_MAX_KEYS + 10 }, (_, i) => `k${i}`);
    const base = updateSeen(undefined, URL_A, many.slice(0, 10), now);
    const capped = updateSeen(base ?? undefined, URL_A, many.slice(10), now + 2 * DAY);
    expect(asMap(capped).size).toBe(SEEN_MAX_KEYS);
    expect(asMap(capped).has("k0")).toBe(false);
  });

  it("starts afresh when the feed's URL changed", () => {
    const a = updateSeen(undefined, URL_A, ["k1"], now);
    const b = updateSeen(a ?? undefined, "https://b.test/feed.xml", ["k9"], now + 1);
    expect([...asMap(b).keys()]).toEqual(["k9"]);
  });

  it("reads a record in the shape written before 2026-12-04 and rewrites it in the new one", () => {
    const legacy = { url: URL_A, keys: { k1: now, k2: now - 2 * DAY } };
    expect(seenKeys(legacy)).toEqual(["k1", "k2"]);
    // Nothing new, but the record is rewritten once in the new shape.
    const rewritten = updateSeen(legacy, URL_A, ["k1"], now + 1);
    expect(asMap(rewritten)).toEqual(
      new Map([
        ["k1", now],
        ["k2", now - 2 * DAY],
      ]),
    );
  });
});

describe("seen sets written by an earlier version", () => {
  let server: FeedServer | undefined;
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close();
    await server?.close();
  });

  it("still know their items: a poll over a legacy record emits only the new item", async () => {
    server = await startFeedServer();
    store = await openStore("memory:");
    let clock = now;
    const item = (guid: string, minutesAgo: number) => ({
      guid,
      title: `Item ${guid}`,
      link: `https://a.test/${guid}`,
      date: new Date(clock - minutesAgo * 60_000).toUTCString(),
    });
    server.set("/feed.xml", { body: rssFeed("A", [item("1", 30), item("2", 60)]) });
    const feed = { id: "a", url: server.url("/feed.xml"), topics: [], quality: 50, enabled: true };
    const options = {
      store,
      feeds: [feed],
      topics: [],
      settings: { ...defaultSettings().poll, timeout: 2_000 },
      now: () => new Date(clock),
    };
    const seeding = new Poller(options);
    await seeding.runCycle();
    await seeding.close();

    // Rewrite the stored record as the earlier version wrote it: one object keyed by item key.
    const state = new FeedStateStore(store);
    const stored = (await state.seen.get("a")) as SeenItems;
    const legacy = {
      url: stored.url,
      keys: Object.fromEntries(stored.keys.map((k, i) => [k, stored.seenAt[i] as number])),
    };
    await state.seen.set("a", legacy);

    clock += 3_600_000;
    server.set("/feed.xml", { body: rssFeed("A", [item("3", 5), item("1", 90), item("2", 120)]) });
    const poller = new Poller(options);
    const cycle = await poller.runCycle();
    await poller.close();
    expect(cycle.articles.map((a) => a.title)).toEqual(["Item 3"]);
    const after = (await state.seen.get("a")) as SeenItems;
    expect(Array.isArray(after.keys)).toBe(true);
    expect(new Set(after.keys)).toEqual(new Set([...Object.keys(legacy.keys), ...after.keys]));
    expect(after.keys.length).toBeGreaterThan(Object.keys(legacy.keys).length);
  });
});
