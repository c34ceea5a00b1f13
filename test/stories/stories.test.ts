import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { settingsSchema, topicSchema } from "../../src/config/schema.js";
import type { Article } from "../../src/feeds/article.js";
import { openStore } from "../../src/store/keyv-store.js";
import type { Collection, Store } from "../../src/store/store.js";
import { Stories } from "../../src/stories/stories.js";
import type { StoryEvent } from "../../src/stories/types.js";
import { compileTopicRules } from "../../src/topics/rules.js";
import { makeArticle, provider } from "./helpers.js";

const HOUR = 3_600_000;
const start = Date.parse("2026-01-12T12:00:00Z");

const topicConfig = (t: Record<string, unknown>) =>
  topicSchema.parse({ name: "x", description: "x", color: "#000000", ...t });

const topics = compileTopicRules([
  topicConfig({ slug: "ai-hardware", keywords: ["H100", "GPU farm"] }),
  topicConfig({ slug: "crypto", keywords: ["bitcoin"], minQuality: 70 }),
  topicConfig({ slug: "security", keywords: ["zero-day"], block: ["sponsored"] }),
  topicConfig({ slug: "open-source", allow: ["kernel", "license"] }),
]);

/** A controllable clock. */
function clock(at = start) {
  let now = at;
  return { now: () => new Date(now), advance: (ms: number) => (now += ms), at: () => now };
}

const miners = {
  techspot: makeArticle({
    id: "ts-1",
    title: "Crypto miners are turning their GPU farms into AI data centers",
    excerpt: "Hut 8 and other bitcoin miners are repurposing Nvidia H100 clusters to rent compute to AI startups.",
    provider: provider("techspot.com"),
    publishedAt: new Date(start - 3 * HOUR).toISOString(),
    quality: 60,
    topics: ["hardware"],
  }),
  decrypt: makeArticle({
    id: "dc-1",
    title: "Bitcoin miners pivot GPU farms to AI as Hut 8 signs H100 deal",
    excerpt: "Miners including Hut 8 are converting their facilities to host Nvidia H100 GPUs for AI workloads.",
    provider: provider("decrypt.co"),
    publishedAt: new Date(start - 2 * HOUR).toISOString(),
    image: "https://decrypt.co/img/miners.jpg",
    quality: 60,
    topics: ["crypto", "ai"],
  }),
  pcgamer: makeArticle({
    id: "pg-1",
    title: "Crypto miners now want to sell their GPU farms' time to AI companies",
    excerpt: "Hut 8 is among the bitcoin miners moving their data centers to AI, with Nvidia H100 cards.",
    provider: provider("pcgamer.com"),
    publishedAt: new Date(start - HOUR).toISOString(),
    image: "https://pcgamer.com/img/miners.jpg",
    quality: 85,
    topics: ["hardware"],
  }),
};

const unrelated = makeArticle({
  id: "lwn-1",
  title: "Kernel 6.19 released with the sheaves allocator",
  excerpt: "Linus Torvalds tagged the 6.19 kernel; the merge window for 6.20 is open.",
  provider: provider("lwn.net"),
  publishedAt: new Date(start - HOUR).toISOString(),
  quality: 90,
  topics: ["open-source"],
});

const stories: Stories[] = [];
const stores: Store[] = [];
const dirs: string[] = [];
afterEach(async () => {
  stories.length = 0;
  await Promise.all(stores.splice(0).map((s) => s.close()));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function open(options: { store?: Store; now?: () => Date; settings?: Record<string, unknown> } = {}) {
  const store = options.store ?? (await openStore("memory:"));
  if (!options.store) stores.push(store);
  const s = await Stories.open({
    store,
    topics,
    settings: settingsSchema.parse({ stories: options.settings ?? {} }).stories,
    now: options.now ?? clock().now,
  });
  stories.push(s);
  return s;
}

function only(events: StoryEvent[]): StoryEvent {
  expect(events).toHaveLength(1);
  return events[0] as StoryEvent;
}

describe("Stories: grouping and events", () => {
  it("creates one story from outlets' rewrites and reports one event per story per call", async () => {
    const s = await open();
    const events = await s.ingest([miners.techspot, unrelated, miners.decrypt, miners.pcgamer]);
    expect(events.map((e) => e.type)).toEqual(["created", "created"]);
    const story = events.find((e) => e.story.lead.id !== unrelated.id)?.story;
    expect(story?.heat).toBe(3);
    expect([story?.lead.id, ...(story?.related.map((a) => a.id) ?? [])].sort()).toEqual(["dc-1", "pg-1", "ts-1"]);
    expect(await s.get(story!.id)).toEqual(story);
  });

  it("reports growth with what changed: a new related article, a new lead, new topics, a new image", async () => {
    const s = await open();
    const created = only(await s.ingest([miners.techspot]));
    expect(created.type).toBe("created");
    const id = created.story.id;

    const grew = only(await s.ingest([miners.decrypt]));
    // Same quality, but decrypt has an image: more complete, so it leads; it brings the ai topic.
    expect(grew).toMatchObject({ type: "grew", story: { id, lead: { id: "dc-1" }, heat: 2 } });
    expect(grew.type === "grew" && grew.changes.sort()).toEqual(["article", "image", "lead", "topics"]);

    const again = only(await s.ingest([miners.pcgamer]));
    expect(again).toMatchObject({ type: "grew", story: { id, lead: { id: "pg-1" } } });
    expect(again.type === "grew" && again.changes.sort()).toEqual(["article", "image", "lead"]);

    expect(await s.ingest([miners.pcgamer])).toEqual([]);
  });
});

describe("Stories: identity", () => {
  it("the same canonical URL is the same article: not counted twice, the better title kept", async () => {
    const s = await open();
    const cut = makeArticle({
      id: "reg-1",
      url: "https://theregister.com/2026/01/12/fortinet_zero_day",
      title: "Fortinet SSL-VPN zero-day under attack, patch…",
      provider: provider("theregister.com"),
    });
    const created = only(await s.ingest([cut]));
    const full = { ...cut, title: "Fortinet SSL-VPN zero-day under attack, patch now or pull the plug" };
    const grew = only(await s.ingest([full]));
    expect(grew).toMatchObject({ type: "grew", story: { id: created.story.id, heat: 1, related: [] } });
    expect(grew.story.lead.title).toBe(full.title);
    expect(grew.type === "grew" && grew.changes).toEqual(["article", "lead"]);

    // The worse title arriving later changes nothing.
    expect(await s.ingest([cut])).toEqual([]);
    expect((await s.get(created.story.id))?.lead.title).toBe(full.title);
  });

  it("the same guid from the same feed is the same article even under a new URL", async () => {
    const s = await open();
    const a = makeArticle({ id: "g-1", title: "Valve ships the Steam Machine", guid: "post-77", feedId: "valve" });
    const moved = makeArticle({
      id: "g-2",
      url: "https://example.com/moved",
      title: "Steam Machine: out now",
      guid: "post-77",
      feedId: "valve",
    });
    const otherFeed = makeArticle({
      id: "g-3",
      title: "Mozilla ships Firefox 150",
      guid: "post-77",
      feedId: "mozilla",
    });
    const events = await s.ingest([a, moved, otherFeed]);
    expect(events).toHaveLength(2);
    const steam = events.find((e) => e.story.lead.id === "g-1")?.story;
    expect(steam?.related).toEqual([]);
    expect(steam?.heat).toBe(1);
  });
});

describe("Stories: curation", () => {
  it("leads with the best source, then the most complete, then the earliest; the id never changes", async () => {
    const s = await open();
    const base = { excerpt: "Nvidia H100 clusters move from bitcoin mining to AI rental, say miners." };
    const early = makeArticle({
      ...base,
      id: "c-1",
      title: "Miners rent H100 GPU farms to AI labs",
      provider: provider("a.com"),
      publishedAt: new Date(start - 5 * HOUR).toISOString(),
    });
    const later = makeArticle({
      ...base,
      id: "c-2",
      title: "Bitcoin miners rent their H100 GPU farms to AI labs",
      provider: provider("b.com"),
      publishedAt: new Date(start - 4 * HOUR).toISOString(),
    });
    const withImage = makeArticle({
      ...base,
      id: "c-3",
      title: "H100 GPU farms of bitcoin miners go to AI labs",
      provider: provider("c.com"),
      publishedAt: new Date(start - 3 * HOUR).toISOString(),
      image: "https://c.com/i.jpg",
    });
    const better = makeArticle({
      ...base,
      id: "c-4",
      title: "AI labs rent bitcoin miners' H100 GPU farms",
      provider: provider("d.com"),
      publishedAt: new Date(start - 2 * HOUR).toISOString(),
      quality: 95,
    });
    const [created] = await s.ingest([early, later]);
    expect(created?.story.lead.id).toBe("c-1");
    const [byImage] = await s.ingest([withImage]);
    expect(byImage?.story).toMatchObject({ id: created?.story.id, lead: { id: "c-3" } });
    const [byQuality] = await s.ingest([better]);
    expect(byQuality?.story).toMatchObject({ id: created?.story.id, lead: { id: "c-4" } });
    expect(byQuality?.story.related.map((a) => a.id)).toEqual(["c-3", "c-1", "c-2"]);
    expect(byQuality?.story.firstSeenAt).toBe(early.publishedAt);
  });

  it("story topics are the union of the articles' topics and the keyword rules over the story's text", async () => {
    const s = await open();
    const [e] = await s.ingest([miners.techspot, miners.decrypt]);
    // hardware (TechSpot), crypto and ai (decrypt), ai-hardware (the "H100" keyword rule).
    expect(e?.story.topics).toEqual(["ai", "ai-hardware", "crypto", "hardware"]);
    const [alone] = await s.ingest([unrelated]);
    expect(alone?.story.topics).toEqual(["open-source"]);
  });

  it("filters by the global and per-topic minimum quality and the allow/block lists", async () => {
    const s = await open({ settings: { minQuality: 55 } });
    const weak = makeArticle({
      title: "Kestrel routers hit by exploited flaw",
      excerpt: "Attackers exploit a hole in Kestrel's consumer routers; a fix is weeks away.",
      quality: 50,
      topics: ["security"],
    });
    const sponsored = makeArticle({
      title: "Sponsored: how Acme Scanner finds every zero-day before attackers do",
      excerpt: "A message from our partner about its cloud vulnerability scanner.",
      provider: provider("vendor.com"),
      quality: 80,
      topics: ["security"],
    });
    const kernel = makeArticle({
      title: "Kernel 6.20 merge window opens",
      excerpt: "Torvalds opened the merge window after the 6.19 release.",
      quality: 80,
      topics: ["open-source"],
    });
    const gossip = makeArticle({
      title: "Who will lead the Apache Foundation next?",
      excerpt: "Board elections are due in March.",
      quality: 80,
      topics: ["open-source"],
    });
    const events = await s.ingest([weak, sponsored, kernel, gossip, miners.techspot]);
    const byLead = new Map(events.map((e) => [e.story.lead.id, e.story]));
    expect(s.postableTopics(byLead.get(weak.id)!)).toEqual([]); // 50 < global 55
    expect(s.postableTopics(byLead.get(sponsored.id)!)).toEqual([]); // blocked
    expect(s.postableTopics(byLead.get(kernel.id)!)).toEqual(["open-source"]); // allowed by "kernel"
    expect(s.postableTopics(byLead.get(gossip.id)!)).toEqual([]); // no allow rule matches
    // TechSpot alone (60) passes the global minimum but not crypto's own 70.
    expect(s.postableTopics(byLead.get(miners.techspot.id)!)).toEqual(["ai-hardware", "hardware"]);

    expect((await s.latest("open-source", 5)).map((x) => x.lead.id)).toEqual([kernel.id]);
    expect(await s.latest("security", 5)).toEqual([]);
  });

  it("lists the newest stories of a topic first, up to the limit", async () => {
    const s = await open();
    const texts = [
      ["Lambda cuts H100 hourly prices in Europe", "Cloud rental of Nvidia accelerators gets cheaper in Frankfurt."],
      ["Stanford team trains protein model on 512 H100 GPUs", "The open model predicts enzyme folding in hours."],
      ["Used H100 boards flood eBay after lease returns", "Resellers list thousands of ex-datacenter cards."],
    ];
    const arts = texts.map(([title, excerpt], i) =>
      makeArticle({
        title: title as string,
        excerpt,
        publishedAt: new Date(start - (10 - i) * HOUR).toISOString(),
        quality: 60,
      }),
    );
    const unrelatedTitles = ["Mozilla ships Firefox 150", "Kernel 6.20 merge window opens"];
    await s.ingest([...arts, ...unrelatedTitles.map((title) => makeArticle({ title }))]);
    const latest = await s.latest("ai-hardware", 2);
    expect(latest.map((x) => x.lead.id)).toEqual([arts[2]?.id, arts[1]?.id]);
  });
});

describe("Stories: window, persistence, restart", () => {
  it("expires stories from the window: a later look-alike opens a new story, the old stays readable", async () => {
    const c = clock();
    const s = await open({ now: c.now });
    const [first] = await s.ingest([miners.techspot]);
    c.advance(80 * HOUR);
    const repeat = { ...miners.decrypt, publishedAt: new Date(c.at() - HOUR).toISOString() };
    const [second] = await s.ingest([repeat]);
    expect(second?.type).toBe("created");
    expect(second?.story.id).not.toBe(first?.story.id);
    expect((await s.latest("hardware", 10)).map((x) => x.id)).toEqual([]);
    expect((await s.get(first!.story.id))?.lead.id).toBe(miners.techspot.id);
  });

  it("persists to sqlite and resumes grouping after a restart", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "newsdesk-stories-"));
    dirs.push(dir);
    const url = `sqlite://${path.join(dir, "stories.sqlite")}`;
    const c = clock();

    const store1 = await openStore(url);
    const before = await open({ store: store1, now: c.now });
    const [created] = await before.ingest([miners.techspot, unrelated]);
    await store1.close();

    c.advance(HOUR);
    const store2 = await openStore(url);
    stores.push(store2);
    const after = await open({ store: store2, now: c.now });
    expect(await after.get(created!.story.id)).toEqual(created?.story);
    const events = await after.ingest([miners.decrypt, miners.techspot]);
    expect(only(events)).toMatchObject({ type: "grew", story: { id: created?.story.id, heat: 2 } });
    expect((await after.latest("hardware", 5)).map((x) => x.id)).toEqual([created?.story.id]);
  });

  it("refresh picks up stories another process wrote", async () => {
    const store = await openStore("memory:");
    stores.push(store);
    const c = clock();
    const reader = await open({ store, now: c.now });
    const writer = await open({ store, now: c.now });
    const [e] = await writer.ingest([miners.techspot]);
    expect(await reader.latest("hardware", 5)).toEqual([]);
    await reader.refresh();
    expect((await reader.latest("hardware", 5)).map((x) => x.id)).toEqual([e?.story.id]);
    expect(only(await reader.ingest([miners.pcgamer])).story.id).toBe(e?.story.id);
  });

  it("skips malformed articles and keeps going; a failed store write is retried, not lost", async () => {
    const store = await openStore("memory:");
    stores.push(store);
    let failNext = true;
    const flaky: Store = {
      ...store,
      displayUrl: store.displayUrl,
      ping: () => store.ping(),
      close: () => store.close(),
      collection<T>(name: string, options?: { ttlMs?: number }): Collection<T> {
        const real = store.collection<T>(name, options);
        return {
          ...real,
          name: real.name,
          get: (k) => real.get(k),
          getMany: (k) => real.getMany(k),
          has: (k) => real.has(k),
          add: (k, v, t) => real.add(k, v, t),
          delete: (k) => real.delete(k),
          entries: () => real.entries(),
          set: async (k, v, t) => {
            if (failNext) {
              failNext = false;
              throw new Error("disk full");
            }
            return real.set(k, v, t);
          },
        };
      },
    };
    const s = await open({ store: flaky });
    const broken = { id: "", title: 42 } as unknown as Article;
    const [e] = await s.ingest([broken, miners.techspot]);
    expect(e?.type).toBe("created");
    expect(await store.collection("stories").get(e!.story.id)).toBeUndefined();
    await s.ingest([unrelated]);
    expect(await store.collection("stories").get(e!.story.id)).toBeDefined();
  });
});
