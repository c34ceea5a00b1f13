import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { ConfigError, defaultSettings } from "../../src/config/load.js";
import type { FeedConfig } from "../../src/config/schema.js";
import type { Article } from "../../src/feeds/article.js";
import type { FeedHealth } from "../../src/feeds/feed-state.js";
import { ParsePool } from "../../src/feeds/parse-pool.js";
import { Poller, type PollerOptions, type PollSettings } from "../../src/feeds/poller.js";
import { createLogger } from "../../src/log.js";
import { openStore } from "../../src/store/keyv-store.js";
import type { Store } from "../../src/store/store.js";
import { type FeedServer, rssFeed, startFeedServer } from "./feed-server.js";

const FIXTURES = path.join(import.meta.dirname, "../fixtures/feeds");
const HOUR = 3_600_000;

/** A clock tests move by hand. */
class Clock {
  constructor(public ms = Date.parse("2026-01-07T12:00:00Z")) {}
  now = () => new Date(this.ms);
  advance(ms: number) {
    this.ms += ms;
  }
  ago(ms: number) {
    return new Date(this.ms - ms).toUTCString();
  }
}

function settings(overrides: Partial<PollSettings> = {}): PollSettings {
  return { ...defaultSettings().poll, timeout: 2_000, connectTimeout: 1_000, ...overrides };
}

function feedConfig(id: string, url: string, extra: Partial<FeedConfig> = {}): FeedConfig {
  return { id, url, topics: [], quality: 60, enabled: true, ...extra };
}

function logSink() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split("\n")) if (line.trim()) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, logger: createLogger({ level: "debug", pretty: false, destination: stream }) };
}

const servers: FeedServer[] = [];
const pollers: Poller[] = [];
const stores: Store[] = [];

async function server(routes = {}) {
  const s = await startFeedServer(routes);
  servers.push(s);
  return s;
}
async function memoryStore() {
  const s = await openStore("memory:");
  stores.push(s);
  return s;
}
function poller(options: PollerOptions) {
  const p = new Poller(options);
  pollers.push(p);
  return p;
}

afterEach(async () => {
  await Promise.all(pollers.splice(0).map((p) => p.close()));
  await Promise.all(stores.splice(0).map((s) => s.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe("first poll and new items", () => {
  it("seeds silently on the first poll, then emits only new items, once", async () => {
    const clock = new Clock();
    const s = await server();
    const items = [
      { guid: "a", title: "Alpha", link: "https://news.test/a", date: clock.ago(2 * HOUR) },
      { guid: "b", title: "Beta", link: "https://news.test/b", date: clock.ago(3 * HOUR) },
    ];
    s.set("/feed.xml", { body: rssFeed("News", items) });
    const delivered: Article[] = [];
    const p = poller({
      store: await memoryStore(),
      feeds: [feedConfig("news", s.url("/feed.xml"), { topics: ["hardware"] })],
      topics: [],
      settings: settings(),
      now: clock.now,
      onArticles: (a) => void delivered.push(...a),
    });

    const first = await p.runCycle();
    expect(first.articles).toEqual([]);
    expect(first.results[0]?.outcome).toBe("seeded");

    clock.advance(HOUR);
    const gamma = { guid: "c", title: "Gamma", link: "https://news.test/c?utm_source=rss", date: clock.ago(10_000) };
    s.set("/feed.xml", { body: rssFeed("News", [gamma, ...items]) });
    const second = await p.runCycle();
    expect(second.articles.map((a) => a.title)).toEqual(["Gamma"]);
    expect(second.articles[0]).toMatchObject({
      url: "https://news.test/c",
      feedId: "news",
      provider: { name: "News", domain: "news.test" },
      topics: ["hardware"],
      quality: 60,
      guid: "c",
    });
    expect(delivered.map((a) => a.title)).toEqual(["Gamma"]);

    clock.advance(HOUR);
    expect((await p.runCycle()).articles).toEqual([]);
  });

  it("parses through a caller's pool, which outlives the poller", async () => {
    const clock = new Clock();
    const s = await server();
    s.set("/feed.xml", {
      body: rssFeed("News", [{ guid: "a", title: "Alpha", link: "https://news.test/a", date: clock.ago(HOUR) }]),
    });
    const pool = new ParsePool(0, []);
    const run = vi.spyOn(pool, "run");
    const close = vi.spyOn(pool, "close");
    const options = {
      feeds: [feedConfig("news", s.url("/feed.xml"))],
      topics: [],
      settings: settings({ backfill: 5 }),
      now: clock.now,
      parsePool: pool,
    };
    const first = new Poller({ ...options, store: await memoryStore() });
    expect((await first.runCycle()).articles.map((a) => a.title)).toEqual(["Alpha"]);
    await first.close();
    expect(close).not.toHaveBeenCalled();
    // A second poller over a fresh store goes on with the same pool.
    const second = poller({ ...options, store: await memoryStore() });
    expect((await second.runCycle()).articles.map((a) => a.title)).toEqual(["Alpha"]);
    expect(run).toHaveBeenCalledTimes(2);
  });

  it("keeps a feed's seen items when its health record is gone (no first-poll seeding again)", async () => {
    const clock = new Clock();
    const s = await server();
    const alpha = { guid: "a", title: "Alpha", link: "https://news.test/a", date: clock.ago(HOUR) };
    s.set("/feed.xml", { body: rssFeed("News", [alpha]) });
    const store = await memoryStore();
    const p = poller({
      store,
      feeds: [feedConfig("news", s.url("/feed.xml"))],
      topics: [],
      settings: settings(),
      now: clock.now,
    });
    expect((await p.runCycle()).results[0]?.outcome).toBe("seeded");
    // The seen items are read with the other feeds' at the start of the cycle when there is no health record.
    await store.collection<FeedHealth>("feed-health").delete("news");
    clock.advance(HOUR);
    const beta = { guid: "b", title: "Beta", link: "https://news.test/b", date: clock.ago(60_000) };
    s.set("/feed.xml", { body: rssFeed("News", [beta, alpha]) });
    const next = await p.runCycle();
    expect(next.results[0]?.outcome).toBe("new_items");
    expect(next.articles.map((a) => a.title)).toEqual(["Beta"]);
  });

  it("polls a feed only when it is due", async () => {
    const clock = new Clock();
    const s = await server({
      "/f.xml": { body: rssFeed("F", [{ guid: "1", title: "One", link: "https://f.test/1" }]) },
    });
    const p = poller({
      store: await memoryStore(),
      feeds: [feedConfig("f", s.url("/f.xml"), { interval: 30 * 60_000 })],
      topics: [],
      settings: settings(),
      now: clock.now,
    });
    await p.runCycle();
    clock.advance(10 * 60_000);
    expect((await p.runCycle()).polled).toBe(0);
    clock.advance(25 * 60_000);
    expect((await p.runCycle()).polled).toBe(1);
    expect(s.hits("/f.xml")).toBe(2);
  });

  it("never re-emits an item whose date, description or guid was rewritten", async () => {
    const clock = new Clock();
    const s = await server();
    const original = [
      { guid: "g1", title: "Chip launch", link: "https://chips.test/launch", date: clock.ago(HOUR), description: "v1" },
      { guid: "g2", title: "No guid change", link: "https://chips.test/two", date: clock.ago(HOUR) },
    ];
    s.set("/c.xml", { body: rssFeed("Chips", original) });
    const p = poller({
      store: await memoryStore(),
      feeds: [feedConfig("chips", s.url("/c.xml"))],
      topics: [],
      settings: settings({ interval: 0 }),
      now: clock.now,
    });
    await p.runCycle();
    clock.advance(HOUR);
    s.set("/c.xml", {
      body: rssFeed("Chips", [
        // new date and description, same guid
        { ...original[0]!, date: clock.ago(0), description: "v2, updated" },
        // new guid (the feed regenerated them), same link
        { ...original[1]!, guid: "regenerated-g2", date: clock.ago(0) },
      ]),
    });
    expect((await p.runCycle()).articles).toEqual([]);
  });

  it("never emits items older than maxItemAge, and backfills the newest N on a first poll", async () => {
    const clock = new Clock();
    const s = await server();
    s.set("/b.xml", {
      body: rssFeed("B", [
        { guid: "new1", title: "Newest", link: "https://b.test/1", date: clock.ago(1 * HOUR) },
        { guid: "new2", title: "Newer", link: "https://b.test/2", date: clock.ago(2 * HOUR) },
        { guid: "new3", title: "New", link: "https://b.test/3", date: clock.ago(3 * HOUR) },
        { guid: "old", title: "Ancient", link: "https://b.test/old", date: clock.ago(100 * HOUR) },
      ]),
    });
    const p = poller({
      store: await memoryStore(),
      feeds: [feedConfig("b", s.url("/b.xml"))],
      topics: [],
      settings: settings({ backfill: 2 }),
      now: clock.now,
    });
    const first = await p.runCycle();
    expect(first.articles.map((a) => a.title)).toEqual(["Newer", "Newest"]);

    // An old item appearing later (a feed re-publishing its archive) is not news either.
    clock.advance(HOUR);
    s.set("/b.xml", {
      body: rssFeed("B", [
        { guid: "archive", title: "From the archive", link: "https://b.test/x", date: clock.ago(72 * HOUR) },
      ]),
    });
    expect((await p.runCycle()).articles).toEqual([]);
  });
});

describe("conditional GET", () => {
  it("sends the stored validators; a 304 costs no parsing and emits nothing", async () => {
    const clock = new Clock();
    const s = await server({
      "/e.xml": { body: rssFeed("E", [{ guid: "1", title: "One", link: "https://e.test/1" }]), etag: '"v1"' },
    });
    const p = poller({
      store: await memoryStore(),
      feeds: [feedConfig("e", s.url("/e.xml"))],
      topics: [],
      settings: settings({ interval: 0 }),
      now: clock.now,
    });
    await p.runCycle();
    clock.advance(1000);
    const second = await p.runCycle();
    expect(second.results[0]?.outcome).toBe("not_modified");
    expect(s.requests.at(-1)?.headers["if-none-match"]).toBe('"v1"');
    expect(second.results[0]?.health?.lastSuccessAt).toBe(clock.now().toISOString());
  });
});

describe("misbehaving feeds", () => {
  it("marks each bad feed unhealthy with a clear logged reason while the good feeds are polled", async () => {
    const clock = new Clock();
    const bad = await server({
      "/304.xml": { body: rssFeed("N", [{ guid: "1", title: "x", link: "https://n.test/1" }]), etag: '"n"' },
      "/404.xml": { status: 404 },
      "/429.xml": { status: 429, headers: { "retry-after": "7200" } },
      "/500.xml": { status: 500 },
      "/slow.xml": { body: rssFeed("Slow", []), delayMs: 10_000 },
      "/endless.xml": { misbehave: "endless" },
      "/loop.xml": { redirect: "/loop2.xml" },
      "/loop2.xml": { redirect: "/loop.xml" },
      "/invalid.xml": { body: readFileSync(path.join(FIXTURES, "invalid.xml")) },
      "/bomb.xml": { body: readFileSync(path.join(FIXTURES, "bomb.xml")) },
      "/page.html": { body: readFileSync(path.join(FIXTURES, "not-a-feed.html")), contentType: "text/html" },
    });
    const good = await server();
    let goodBody = rssFeed("Good", [{ guid: "g0", title: "Seed", link: "https://good.test/0", date: clock.ago(HOUR) }]);
    good.set("/good.xml", () => ({ body: goodBody }));
    const badFeeds = [
      ["not-found", "/404.xml", "http_status", /HTTP 404/],
      ["rate-limited", "/429.xml", "http_status", /HTTP 429.*retry after 7200 s/],
      ["server-error", "/500.xml", "http_status", /HTTP 500/],
      ["slow", "/slow.xml", "timeout", /no complete response within 500 ms/],
      ["endless", "/endless.xml", "too_large", /exceeds the 1048576 byte limit/],
      ["loop", "/loop.xml", "redirect_loop", /redirect loop/],
      ["invalid", "/invalid.xml", "parse", /invalid XML/],
      ["bomb", "/bomb.xml", "parse", /entit/],
      ["html", "/page.html", "not_a_feed", /HTML page/],
    ] as const;
    const { lines, logger } = logSink();
    const order: string[] = [];
    const p = poller({
      store: await memoryStore(),
      feeds: [
        ...badFeeds.map(([id, route]) => feedConfig(id, bad.url(route))),
        feedConfig("good", good.url("/good.xml")),
      ],
      topics: [],
      settings: settings({ timeout: 500, maxBytes: 1024 * 1024, interval: 0, concurrency: 4 }),
      now: clock.now,
      logger,
      onArticles: (a) => void order.push(`articles:${a[0]?.feedId}`),
    });
    await p.runCycle();
    clock.advance(HOUR);
    goodBody = rssFeed("Good", [{ guid: "g1", title: "Fresh", link: "https://good.test/1", date: clock.ago(60_000) }]);
    const heapBefore = process.memoryUsage().heapUsed;
    const cycle = await p.runCycle();
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(100 * 1024 * 1024);

    expect(cycle.articles.map((a) => a.title)).toEqual(["Fresh"]);
    // The good feed was delivered long before the slow feed timed out: on another host, nothing waits for it.
    expect(order).toEqual(["articles:good"]);
    for (const [id, , kind, message] of badFeeds) {
      const result = cycle.results.find((r) => r.feedId === id);
      if (id === "rate-limited") {
        // Retry-After (2 h) pushed it past this cycle.
        expect(result).toBeUndefined();
        continue;
      }
      expect(result?.outcome, id).toBe("failed");
      expect(result?.health).toMatchObject({ status: "failing", consecutiveFailures: 2, lastError: { kind } });
      expect(result?.health?.lastError?.message).toMatch(message);
      const logged = lines.filter((l) => l.feed === id && l.level === 40);
      expect(logged.length, id).toBe(2);
      expect(String(logged[0]?.msg)).toMatch(message);
      expect(logged[0]?.kind).toBe(kind);
    }
    const rateLimited = lines.find((l) => l.feed === "rate-limited");
    expect(Date.parse(String(rateLimited?.nextDueAt))).toBeGreaterThanOrEqual(Date.parse("2026-01-07T14:00:00Z"));
  });

  it("backs off exponentially, disables after N failures keeping the reason, and stops polling it", async () => {
    const clock = new Clock();
    const s = await server({ "/down.xml": { status: 503 } });
    const { lines, logger } = logSink();
    const store = await memoryStore();
    const p = poller({
      store,
      feeds: [feedConfig("down", s.url("/down.xml"))],
      topics: [],
      settings: settings({ backoffBase: 60_000, backoffMax: 3_600_000, disableAfter: 4 }),
      now: clock.now,
      random: () => 1, // no jitter: the full exponential delay
      logger,
    });
    const delays: number[] = [];
    let health: FeedHealth | undefined;
    for (let i = 0; i < 4; i++) {
      const cycle = await p.runCycle();
      health = cycle.results[0]?.health;
      delays.push(Date.parse(health!.nextDueAt) - clock.ms);
      clock.ms = Date.parse(health!.nextDueAt);
    }
    expect(delays).toEqual([60_000, 120_000, 240_000, 480_000]);
    expect(health).toMatchObject({ status: "disabled", consecutiveFailures: 4 });
    expect(health?.disabledReason).toMatch(/disabled after 4 consecutive failures; last: http_status: HTTP 503/);
    expect(lines.some((l) => l.level === 50 && /feed disabled/.test(String(l.msg)))).toBe(true);

    clock.advance(10 * 3_600_000);
    expect((await p.runCycle()).polled).toBe(0);
    expect(s.hits("/down.xml")).toBe(4);
  });

  it("caps the backoff and spreads retries with jitter", async () => {
    const { backoffDelay } = await import("../../src/util/backoff.js");
    expect(backoffDelay(30, 60_000, 3_600_000, () => 1)).toBe(3_600_000);
    expect(backoffDelay(3, 60_000, 3_600_000, () => 0)).toBe(120_000);
  });
});

describe("restart", () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it("a second poller over the same sqlite store emits nothing the first one emitted", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "newsdesk-restart-"));
    dirs.push(dir);
    const storeUrl = `sqlite://${path.join(dir, "state.sqlite")}`;
    const clock = new Clock();
    const s = await server();
    const items = [{ guid: "1", title: "One", link: "https://r.test/1", date: clock.ago(HOUR) }];
    s.set("/r.xml", () => ({ body: rssFeed("R", items) }));
    const feeds = [feedConfig("r", s.url("/r.xml"))];
    const emitted = new Set<string>();

    const runOnce = async () => {
      const store = await openStore(storeUrl);
      const p = new Poller({ store, feeds, topics: [], settings: settings({ interval: 0 }), now: clock.now });
      try {
        return (await p.runCycle()).articles;
      } finally {
        await p.close();
        await store.close();
      }
    };

    expect(await runOnce()).toEqual([]); // seeds
    clock.advance(HOUR);
    items.unshift({ guid: "2", title: "Two", link: "https://r.test/2", date: clock.ago(60_000) });
    for (const a of await runOnce()) emitted.add(a.id);
    expect(emitted.size).toBe(1);

    // "Restart": a new store connection and a new poller; the feed still lists both items.
    clock.advance(HOUR);
    items.unshift({ guid: "3", title: "Three", link: "https://r.test/3", date: clock.ago(60_000) });
    const afterRestart = await runOnce();
    expect(afterRestart.map((a) => a.title)).toEqual(["Three"]);
    for (const a of afterRestart) expect(emitted.has(a.id)).toBe(false);
  });
});

describe("several processes", () => {
  it("runs one cycle at a time over a shared store; the other process skips instead of polling twice", async () => {
    const s = await server({ "/shared.xml": { body: rssFeed("S", []), delayMs: 300 } });
    const store = await memoryStore();
    const clock = new Clock();
    const make = () =>
      poller({
        store,
        feeds: [feedConfig("shared", s.url("/shared.xml"))],
        topics: [],
        settings: settings(),
        now: clock.now,
      });
    const [a, b] = await Promise.all([make().runCycle(), make().runCycle()]);
    expect([a.polled, b.polled].sort()).toEqual([0, 1]);
    expect(s.hits("/shared.xml")).toBe(1);
    // The claim was released: once the feed is due again, the next cycle polls it.
    clock.advance(HOUR);
    expect((await make().runCycle()).polled).toBe(1);
  });
});

describe("schedule", () => {
  it("runs cycles on the cron schedule", async () => {
    const s = await server({ "/t.xml": { body: rssFeed("T", []) } });
    const p = poller({
      store: await memoryStore(),
      feeds: [feedConfig("t", s.url("/t.xml"))],
      topics: [],
      settings: settings({ schedule: "* * * * * *", interval: 0 }),
    });
    p.start();
    await expect.poll(() => s.hits("/t.xml"), { timeout: 5_000, interval: 100 }).toBeGreaterThanOrEqual(2);
  });

  it("rejects an invalid cron expression with a message naming the setting", async () => {
    const p = poller({
      store: await memoryStore(),
      feeds: [],
      topics: [],
      settings: settings({ schedule: "every 5" }),
    });
    expect(() => p.start()).toThrow(ConfigError);
    expect(() => p.start()).toThrow(/poll\.schedule: "every 5" is not a cron expression/);
  });
});
