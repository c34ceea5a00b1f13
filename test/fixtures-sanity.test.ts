import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Parser from "rss-parser";
import { describe, expect, it } from "vitest";
import { z } from "zod";

// The grouper's accuracy figures and the offline demo are only as good as these fixtures, so a typo
// in them (a broken line, a mislabelled story, a feed that no longer parses) must fail here, loudly,
// rather than quietly skew a benchmark or a demo.

const STORIES_DIR = join(import.meta.dirname, "fixtures", "stories");
const NEWSDAY_DIR = join(import.meta.dirname, "fixtures", "newsday");
const TOPICS = ["ai", "ai-hardware", "hardware", "security", "open-source", "science", "space"] as const;

const articleSchema = z.strictObject({
  id: z.string().regex(/^a\d{3,}$/),
  story: z.string().regex(/^s\d{2,}$/),
  title: z.string().trim().min(10),
  excerpt: z.string().trim().min(20).max(300),
  url: z.url({ protocol: /^https$/ }),
  provider: z.strictObject({ name: z.string().min(2), domain: z.string().regex(/^[a-z0-9.-]+\.[a-z]+$/) }),
  publishedAt: z.iso.datetime(),
  image: z.url({ protocol: /^https$/ }).nullable(),
  topics: z.array(z.enum(TOPICS)).min(1),
  quality: z.number().int().min(0).max(100),
});
type LabelledArticle = z.infer<typeof articleSchema>;

function loadArticles(): LabelledArticle[] {
  const lines = readFileSync(join(STORIES_DIR, "articles.jsonl"), "utf8").split("\n");
  expect(lines.at(-1), "file ends with a newline").toBe("");
  return lines.slice(0, -1).map((line, i) => {
    const parsed = articleSchema.safeParse(JSON.parse(line));
    if (!parsed.success) throw new Error(`articles.jsonl line ${i + 1}: ${z.prettifyError(parsed.error)}`);
    return parsed.data;
  });
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

describe("labelled story set (test/fixtures/stories)", () => {
  const articles = loadArticles();
  const stories = groupBy(articles, (a) => a.story);

  it("is big enough to measure a grouper on", () => {
    expect(articles.length).toBeGreaterThanOrEqual(320);
    expect(stories.size).toBeGreaterThanOrEqual(65);
    const multiOutlet = [...stories.values()].filter((s) => new Set(s.map((a) => a.provider.domain)).size >= 2);
    expect(multiOutlet.length).toBeGreaterThanOrEqual(55);
    expect(new Set(articles.map((a) => a.provider.domain)).size).toBeGreaterThanOrEqual(18);
    for (const [id, members] of stories) expect(members.length, `story ${id}`).toBeLessThanOrEqual(8);
  });

  it("numbers articles uniquely in arrival order", () => {
    const ids = articles.map((a) => a.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(articles.map((a) => a.url)).size).toBe(articles.length);
    for (let i = 1; i < articles.length; i++) {
      const [prev, cur] = [articles[i - 1]!, articles[i]!];
      expect(prev.publishedAt <= cur.publishedAt, `${cur.id} arrives before ${prev.id}`).toBe(true);
      expect(Number(prev.id.slice(1)) < Number(cur.id.slice(1)), `${cur.id} follows ${prev.id}`).toBe(true);
    }
  });

  it("writes times as ISO 8601 UTC within a few days", () => {
    for (const a of articles) expect(a.publishedAt, a.id).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const first = Date.parse(articles[0]!.publishedAt);
    const last = Date.parse(articles.at(-1)!.publishedAt);
    expect(last - first).toBeLessThanOrEqual(5 * 86_400_000);
  });

  it("keeps each outlet's name, weight and host consistent", () => {
    for (const [domain, list] of groupBy(articles, (a) => a.provider.domain)) {
      expect(new Set(list.map((a) => a.provider.name)).size, domain).toBe(1);
      expect(new Set(list.map((a) => a.quality)).size, domain).toBe(1);
      for (const a of list) {
        const host = new URL(a.url).hostname.replace(/^www\./, "");
        expect(host, a.id).toBe(domain);
      }
    }
  });

  it("rewrites headlines: identical titles only within one story (syndicated copies), and rarely", () => {
    const byTitle = groupBy(articles, (a) => a.title.toLowerCase());
    const repeated = [...byTitle.values()].filter((list) => list.length > 1);
    for (const list of repeated) expect(new Set(list.map((a) => a.story)).size, list[0]!.title).toBe(1);
    expect(repeated.length).toBeLessThanOrEqual(articles.length * 0.02);
    expect(articles.some((a) => new URL(a.url).searchParams.has("utm_source"))).toBe(true);
  });

  it("includes the pitch example: miners turning farms into AI data centres, from TechSpot, Decrypt and PC Gamer", () => {
    const covering = [...stories.values()].find((s) => s.some((a) => /Hut 8/.test(a.title + a.excerpt)));
    const outlets = new Set(covering?.map((a) => a.provider.name));
    for (const name of ["TechSpot", "Decrypt", "PC Gamer"]) expect(outlets.has(name), name).toBe(true);
  });

  it("lists hard-negative groups of existing, distinct stories", () => {
    const file = z
      .object({ groups: z.array(z.object({ group: z.string(), stories: z.array(z.string()).min(2) })).min(20) })
      .parse(JSON.parse(readFileSync(join(STORIES_DIR, "hard-negatives.json"), "utf8")));
    for (const { group, stories: ids } of file.groups) {
      expect(new Set(ids).size, group).toBe(ids.length);
      for (const id of ids) expect(stories.has(id), `${group}: ${id}`).toBe(true);
    }
  });

  it("cannot be solved by word overlap alone (best-threshold Jaccard baseline stays below F1 0.85)", () => {
    const words = articles.map(
      (a) =>
        new Set(
          `${a.title} ${a.excerpt}`
            .toLowerCase()
            .split(/[^a-z0-9.$-]+/)
            .filter((w) => w.length > 2),
        ),
    );
    const scored: Array<[number, boolean]> = [];
    for (let i = 0; i < articles.length; i++) {
      for (let j = i + 1; j < articles.length; j++) {
        let shared = 0;
        for (const w of words[i]!) if (words[j]!.has(w)) shared++;
        const score = shared / (words[i]!.size + words[j]!.size - shared);
        scored.push([score, articles[i]!.story === articles[j]!.story]);
      }
    }
    const positives = scored.filter(([, same]) => same).length;
    let bestF1 = 0;
    for (let t = 0.02; t < 0.9; t += 0.01) {
      let tp = 0;
      let fp = 0;
      for (const [score, same] of scored) if (score >= t) same ? tp++ : fp++;
      if (tp === 0) continue;
      const precision = tp / (tp + fp);
      const recall = tp / positives;
      bestF1 = Math.max(bestF1, (2 * precision * recall) / (precision + recall));
    }
    expect(bestF1).toBeGreaterThan(0.3); // the labels are not noise either
    expect(bestF1).toBeLessThan(0.85);
  });

  it("README names only stories that exist and matches the article count", () => {
    const readme = readFileSync(join(STORIES_DIR, "README.md"), "utf8");
    const mentioned = new Set(readme.match(/\bs\d{2}\b/g));
    expect(mentioned.size).toBeGreaterThan(40);
    for (const id of mentioned) expect(stories.has(id), `README mentions ${id}`).toBe(true);
    expect(readme).toContain(`${articles.length} articles, ${stories.size} stories`);
  });
});

const feedsManifest = z.object({
  base: z.iso.datetime(),
  feeds: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      domain: z.string(),
      url: z.url(),
      file: z.string().endsWith(".xml"),
      later: z.string().nullable(),
      format: z.enum(["rss2", "atom", "rdf"]),
      encoding: z.enum(["UTF-8", "ISO-8859-1"]),
      topics: z.array(z.enum(TOPICS)).min(1),
      quality: z.number().min(0).max(100),
    }),
  ),
});
const labelsSchema = z.array(
  z.object({
    feed: z.string(),
    story: z.string(),
    wave: z.union([z.literal(1), z.literal(2)]),
    link: z.string(),
    url: z.url({ protocol: /^https$/ }).nullable(),
    publishedAt: z.iso.datetime().nullable(),
    hostile: z.string().nullable(),
  }),
);

describe("sample news day (test/fixtures/newsday)", () => {
  const manifest = feedsManifest.parse(JSON.parse(readFileSync(join(NEWSDAY_DIR, "feeds.json"), "utf8")));
  const labels = labelsSchema.parse(JSON.parse(readFileSync(join(NEWSDAY_DIR, "labels.json"), "utf8")));
  const parser = new Parser();

  function readFeed(file: string, encoding: string): string {
    const bytes = readFileSync(join(NEWSDAY_DIR, file));
    const text = new TextDecoder(encoding === "ISO-8859-1" ? "latin1" : "utf-8", {
      fatal: encoding === "UTF-8",
    }).decode(bytes);
    // The declaration must tell a real feed reader the same encoding we decode with.
    expect(text.slice(0, 60), file).toContain(`encoding="${encoding}"`);
    return text;
  }

  async function parseFeed(file: string, encoding: string) {
    return parser.parseString(readFeed(file, encoding));
  }

  it("lists every feed file, and every listed file exists", () => {
    const onDisk = readdirSync(NEWSDAY_DIR).filter((f) => f.endsWith(".xml"));
    expect(onDisk.sort()).toEqual(manifest.feeds.map((f) => f.file).sort());
    const laterOnDisk = readdirSync(join(NEWSDAY_DIR, "later")).map((f) => `later/${f}`);
    expect(laterOnDisk.sort()).toEqual(
      manifest.feeds
        .map((f) => f.later)
        .filter((f) => f !== null)
        .sort(),
    );
  });

  it("parses every feed, first wave and later, as well-formed XML", async () => {
    let firstWave = 0;
    for (const feed of manifest.feeds) {
      const parsed = await parseFeed(feed.file, feed.encoding);
      expect(parsed.items.length, feed.file).toBeGreaterThan(0);
      firstWave += parsed.items.length;
      if (feed.later) {
        const later = await parseFeed(feed.later, feed.encoding);
        // A refresh keeps the old items and adds new ones.
        expect(later.items.length, feed.later).toBeGreaterThan(parsed.items.length);
        const laterLinks = new Set(later.items.map((i) => i.link));
        for (const item of parsed.items)
          expect(laterLinks.has(item.link), `${feed.later} keeps ${item.link}`).toBe(true);
      }
    }
    expect(firstWave).toBeGreaterThanOrEqual(40);
    expect(firstWave).toBeLessThanOrEqual(60);
    expect(firstWave).toBe(labels.filter((l) => l.wave === 1).length);
  });

  it("covers enough outlets, formats and topics for the demo", () => {
    expect(manifest.feeds.length).toBeGreaterThanOrEqual(8);
    expect(new Set(manifest.feeds.flatMap((f) => f.topics)).size).toBeGreaterThanOrEqual(5);
    expect(new Set(manifest.feeds.map((f) => f.format))).toEqual(new Set(["rss2", "atom", "rdf"]));
    expect(manifest.feeds.filter((f) => f.encoding === "ISO-8859-1")).toHaveLength(1);
  });

  it("stores the Latin-1 feed as real Latin-1 bytes", () => {
    const feed = manifest.feeds.find((f) => f.encoding === "ISO-8859-1")!;
    const bytes = readFileSync(join(NEWSDAY_DIR, feed.file));
    expect(() => new TextDecoder("utf-8", { fatal: true }).decode(bytes)).toThrow();
    const text = readFeed(feed.file, feed.encoding);
    expect(text).toContain("café");
    expect(text).toContain("naïve");
  });

  it("labels match the feeds: every item is labelled, several stories span outlets, the later wave grows them", async () => {
    const linksByFeed = new Map<string, Set<string>>();
    for (const feed of manifest.feeds) {
      const parsed = await parseFeed(feed.later ?? feed.file, feed.encoding);
      linksByFeed.set(feed.id, new Set(parsed.items.map((i) => i.link ?? "")));
    }
    for (const label of labels) expect(linksByFeed.get(label.feed)?.has(label.link), label.link).toBe(true);
    const skipped = labels.filter((l) => l.url === null).map((l) => l.hostile);
    expect(skipped).toEqual(["javascript-link"]);
    expect(new Set(labels.map((l) => l.url)).size).toBe(labels.length);

    const firstWave = labels.filter((l) => l.wave === 1 && !l.hostile);
    const outletsPerStory = groupBy(firstWave, (l) => l.story);
    const shared = [...outletsPerStory.values()].filter((l) => new Set(l.map((x) => x.feed)).size >= 2);
    expect(shared.length).toBeGreaterThanOrEqual(8);
    const later = labels.filter((l) => l.wave === 2);
    expect(later.length).toBeGreaterThanOrEqual(3);
    for (const l of later)
      expect(outletsPerStory.has(l.story), `later item ${l.link} joins a first-wave story`).toBe(true);
  });

  it("dates everything within the base day, apart from the deliberate no-date and future items", () => {
    const base = Date.parse(manifest.base);
    for (const l of labels) {
      if (l.hostile === "no-date") expect(l.publishedAt).toBeNull();
      else if (l.hostile === "future-date") expect(Date.parse(l.publishedAt!)).toBeGreaterThan(base + 86_400_000);
      else {
        const t = Date.parse(l.publishedAt!);
        expect(t >= base && t < base + 86_400_000, `${l.link} at ${l.publishedAt}`).toBe(true);
      }
    }
  });

  it("carries each hostile case in the parsed feed text", async () => {
    const items = [];
    for (const feed of manifest.feeds) items.push(...(await parseFeed(feed.file, feed.encoding)).items);
    const texts = items.map((i) => `${i.title ?? ""}\n${i.content ?? ""}\n${i.summary ?? ""}`);
    const anyText = (needle: string) => texts.some((t) => t.includes(needle));
    for (const needle of [
      "@everyone",
      "<@&123456789012345678>",
      "<@123456789012345678>",
      "**Exclusive**",
      "||foldable iPhone||",
      "`iOS 26.3`",
      "](https://evil.example/",
      "<script>",
      "<style>",
      "&amp;T",
      "&nbsp;",
      "\u{1F600}",
    ]) {
      expect(anyText(needle), needle).toBe(true);
    }
    expect(Math.max(...items.map((i) => i.title?.length ?? 0))).toBeGreaterThanOrEqual(10_240);
    expect(items.some((i) => !i.isoDate)).toBe(true);
    expect(items.some((i) => i.link?.startsWith("javascript:"))).toBe(true);
    expect(items.some((i) => i.link?.startsWith("/"))).toBe(true);
    const hostile = new Set(labels.map((l) => l.hostile).filter(Boolean));
    expect(hostile).toEqual(
      new Set([
        "mentions",
        "discord-markdown",
        "huge-title",
        "script-style",
        "entity-soup",
        "no-date",
        "future-date",
        "relative-link",
        "javascript-link",
      ]),
    );
  });
});
