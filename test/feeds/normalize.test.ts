import { readFileSync } from "node:fs";
import path from "node:path";
import RssParser from "rss-parser";
import { describe, expect, it } from "vitest";
import { decodeFeedBody } from "../../src/feeds/decode.js";
import { FeedError } from "../../src/feeds/errors.js";
import { itemKeys } from "../../src/feeds/item-keys.js";
import { type FeedContext, normalizeItem, providerName } from "../../src/feeds/normalize.js";
import { parseFeed } from "../../src/feeds/parse.js";
import { compileTopicRules } from "../../src/topics/rules.js";

const FIXTURES = path.join(import.meta.dirname, "../fixtures/feeds");
const NOW = new Date("2026-01-07T00:00:00Z");
const FEED_URL = "https://feeds.example.test/dir/feed.xml";

function context(overrides: Partial<FeedContext> = {}): FeedContext {
  return {
    feedId: "fixture",
    feedUrl: FEED_URL,
    providerName: "Fixture",
    quality: 70,
    defaultTopics: [],
    topics: null,
    now: NOW,
    ...overrides,
  };
}

async function articles(file: string, overrides: Partial<FeedContext> = {}) {
  const feed = await parseFeed(decodeFeedBody(readFileSync(path.join(FIXTURES, file))));
  return feed.items.map((item) => normalizeItem(item, context(overrides)));
}

async function parseError(file: string): Promise<FeedError> {
  try {
    await parseFeed(decodeFeedBody(readFileSync(path.join(FIXTURES, file))));
  } catch (err) {
    return err as FeedError;
  }
  throw new Error(`${file} parsed without error`);
}

describe("RSS 2.0", () => {
  it("normalizes links, titles, excerpts, images, dates and provider", async () => {
    const [npu, tern, podcast] = await articles("rss2.xml");
    expect(npu).toMatchObject({
      url: "https://bytecircuit.test/news/quasar-npu?id=7",
      title: 'Quasar Labs ships a 3 nm NPU for laptops — "finally"',
      excerpt: "The Q3 neural engine promises 40 TOPS at 5 W.",
      image: "https://cdn.bytecircuit.test/q3-hero.jpg",
      provider: { name: "Fixture", domain: "bytecircuit.test" },
      publishedAt: "2026-01-06T09:30:00.000Z",
      feedId: "fixture",
      quality: 70,
      guid: "bc-1001",
    });
    expect(npu?.id).toMatch(/^[\w-]{16}$/);
    expect(tern).toMatchObject({
      url: "https://bytecircuit.test/news/tern-firmware?page=2",
      excerpt: "Community firmware for the Tern AX router reaches 1.0.",
      image: "https://cdn.bytecircuit.test/tern.webp",
      publishedAt: "2026-01-06T07:00:00.000Z",
    });
    // dc:date is used when there is no pubDate; an audio enclosure is not an image.
    expect(podcast).toMatchObject({ publishedAt: "2026-01-05T18:00:00.000Z", image: null });
  });

  it("gives the same id to the same article however its URL is decorated", async () => {
    const [npu] = await articles("rss2.xml");
    const again = normalizeItem(
      {
        title: "x",
        link: "https://bytecircuit.test/news/quasar-npu?id=7&utm_campaign=other",
        guid: null,
        dates: [],
        description: null,
        content: null,
        images: [],
      },
      context(),
    );
    expect(again?.id).toBe(npu?.id);
  });

  it("tags topics from the feed defaults and keyword rules", async () => {
    const topics = compileTopicRules([
      {
        slug: "ai-hardware",
        name: "AI hardware",
        description: "d",
        color: 1,
        keywords: ["NPU", "neural engine"],
        allow: [],
        block: [],
      },
      {
        slug: "open-source",
        name: "Open source",
        description: "d",
        color: 1,
        keywords: ["open firmware"],
        allow: [],
        block: [],
      },
    ]);
    const [npu, tern, podcast] = await articles("rss2.xml", { defaultTopics: ["hardware"], topics });
    expect(npu?.topics).toEqual(["hardware", "ai-hardware"]);
    expect(tern?.topics).toEqual(["hardware", "open-source"]);
    expect(podcast?.topics).toEqual(["hardware"]);
  });
});

describe("Atom, RSS 1.0 and RSS 0.91", () => {
  it("reads Atom entries: alternate links resolved against the feed URL, enclosure images, summaries", async () => {
    const [patch, escrow] = await articles("atom.xml");
    expect(patch).toMatchObject({
      url: "https://feeds.example.test/2026/01/patch-tuesday",
      excerpt: "Three critical bugs, one already exploited.",
      image: "https://feeds.example.test/media/spooler.png",
      publishedAt: "2026-01-06T08:00:00.000Z",
      guid: "tag:latticekey.test,2026:entry-1",
    });
    // An unparseable <published> falls back to <updated>, and the content's first image is used.
    expect(escrow).toMatchObject({
      url: "https://feeds.example.test/dir/relative/key-escrow.html",
      excerpt: "Lawmakers revive an old idea.",
      image: "https://latticekey.test/escrow.jpg",
      publishedAt: "2026-01-05T09:00:00.000Z",
    });
  });

  it("reads RDF items with dc:date", async () => {
    const items = await articles("rdf.xml");
    expect(items.map((a) => [a?.title, a?.publishedAt])).toEqual([
      ["Scheduler rework merged for the next release", "2026-01-06T07:15:00.000Z"],
      ["More Rust drivers queued", "2026-01-06T06:00:00.000Z"],
    ]);
  });

  it("reads RSS 0.91", async () => {
    const [fair] = await articles("rss091.xml");
    expect(fair).toMatchObject({ url: "http://oldschool.test/fair.html", excerpt: "Bring your 8-bit machines." });
  });
});

describe("images", () => {
  it("finds media:group, media:thumbnail, video posters, itunes:image and inline images", async () => {
    const images = (await articles("media.xml")).slice(0, 6).map((a) => a?.image);
    expect(images).toEqual([
      "https://pixelpantry.test/i/group-large.jpg",
      "https://pixelpantry.test/i/thumb.jpg",
      "https://pixelpantry.test/i/clip-poster.jpg",
      "https://pixelpantry.test/i/artwork.png",
      "https://feeds.example.test/dir/images/inline.jpg",
      null, // data: and javascript: images are not images
    ]);
  });

  it("drops an item whose only link is not http(s)", async () => {
    const all = await articles("media.xml");
    expect(all.at(-1)).toBeNull();
  });
});

describe("text", () => {
  it("strips HTML-heavy descriptions to a ≤ 300 character excerpt cut at a word", async () => {
    const [chiplets, entities] = await articles("html-heavy.xml");
    expect(chiplets?.title).toBe("Chiplets & the future");
    expect(chiplets?.excerpt.length).toBeLessThanOrEqual(300);
    expect(chiplets?.excerpt.endsWith("…")).toBe(true);
    expect(chiplets?.excerpt).not.toMatch(/color|tracking|<|>/);
    expect(chiplets?.excerpt.startsWith("Summary The committee reviewed")).toBe(true);
    // HTML entities in the XML itself (&eacute;, &nbsp;) and double-encoded ones.
    expect(entities?.title).toBe("Café & crème: entities in XML text");
    expect(entities?.excerpt).toBe("Fish & chips 😀 next line");
  });

  it("decodes ISO-8859-1 and windows-1252 feeds", async () => {
    const [latin1] = await articles("latin1.xml");
    expect(latin1?.title).toBe("Un naïf déçu par la fibre à Besançon");
    expect(latin1?.excerpt).toBe("Ça coûte 30 € ? Non : « trop cher », dit-il.");
    const [cp1252] = await articles("cp1252.xml");
    expect(cp1252?.title).toBe("“Quoted” headline – with a dash… and €5 price");
    expect(cp1252?.excerpt).toBe("It’s a test.");
  });
});

describe("dates", () => {
  it("uses first-seen time for missing or unparseable dates and clamps future dates to now", async () => {
    const items = await articles("dates.xml");
    expect(items.slice(0, 4).map((a) => a?.publishedAt)).toEqual([
      NOW.toISOString(),
      NOW.toISOString(),
      NOW.toISOString(),
      "2026-01-05T12:00:00.000Z",
    ]);
  });
});

describe("provider", () => {
  it("is the configured name, else the feed title (as text), else the host", () => {
    expect(providerName("Configured", "Feed Title", FEED_URL)).toBe("Configured");
    expect(providerName(undefined, "Lattice &amp; Key", FEED_URL)).toBe("Lattice & Key");
    expect(providerName(undefined, null, "https://www.site.test/rss")).toBe("site.test");
  });
});

describe("descriptions and contents", () => {
  it("are the markup rss-parser gives, though its snippets are not computed", async () => {
    const rss = `<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>T</title>
      <item><title>a</title><link>https://s.test/a</link><description><b>bold</b> &amp; <i>it</i></description><content:encoded><![CDATA[<p>Full <em>text</em></p>]]></content:encoded></item>
      <item><title>b</title><link>https://s.test/b</link><description>plain &lt;p&gt;escaped&lt;/p&gt;</description></item>
      <item><title>c</title><link>https://s.test/c</link></item></channel></rss>`;
    const atom = `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>
      <entry><title>e</title><id>e1</id><link href="https://s.test/e"/><summary type="html">&lt;b&gt;s&lt;/b&gt;</summary><content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>x <b>y</b></p></div></content></entry>
      <entry><title>f</title><id>f1</id><link href="https://s.test/f"/><content type="html">&lt;p&gt;only&lt;/p&gt;</content></entry></feed>`;
    const vanilla = new RssParser();
    const [ours, theirs] = [await parseFeed(rss), await vanilla.parseString(rss)];
    expect(ours.items.map((i) => [i.description, i.content])).toEqual(
      theirs.items.map((i) => [i.content ?? null, (i as Record<string, unknown>)["content:encoded"] ?? null]),
    );
    const [oursAtom, theirsAtom] = [await parseFeed(atom), await vanilla.parseString(atom)];
    expect(oursAtom.items.map((i) => [i.description, i.content])).toEqual(
      theirsAtom.items.map((i) => [i.summary ?? null, i.content ?? null]),
    );
    expect(ours.items[0]?.content).toBe("<p>Full <em>text</em></p>");
  });
});

describe("bad documents", () => {
  it("rejects invalid XML as a parse error", async () => {
    const err = await parseError("invalid.xml");
    expect(err).toBeInstanceOf(FeedError);
    expect(err.kind).toBe("parse");
    expect(err.message).toMatch(/invalid XML/);
  });

  it("names the same reason for every broken feed, however many come in a row", async () => {
    // One xml2js parser serves every feed of a worker: a failure must not leak into the next document.
    for (let i = 0; i < 3; i++) {
      const err = await parseError("invalid.xml");
      expect(err.kind).toBe("parse");
      expect(err.message).toMatch(/invalid XML: Unexpected close tag/);
    }
    const ok = await articles("rss2.xml");
    expect(ok.length).toBeGreaterThan(0);
  });

  it("refuses an entity-expansion bomb without expanding it", async () => {
    const before = process.memoryUsage().heapUsed;
    const err = await parseError("bomb.xml");
    expect(err.kind).toBe("parse");
    expect(err.message).toMatch(/entit/);
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(50 * 1024 * 1024);
  });

  it("recognizes HTML pages and other XML as not feeds", async () => {
    expect((await parseError("not-a-feed.html")).kind).toBe("not_a_feed");
    expect((await parseError("other.xml")).kind).toBe("not_a_feed");
    await expect(parseFeed("   ")).rejects.toMatchObject({ kind: "not_a_feed" });
  });
});

describe("itemKeys", () => {
  const base = { title: "T", dates: [], description: null, content: null, images: [] };
  it("identifies an item by guid and canonical link, and by title only when it has neither", () => {
    const a = itemKeys({ ...base, guid: "g1", link: "https://site.test/a?utm_source=x" }, FEED_URL);
    const sameLinkNewGuid = itemKeys({ ...base, guid: "g2", link: "https://www.site.test/a" }, FEED_URL);
    expect(a).toHaveLength(2);
    expect(sameLinkNewGuid[1]).toBe(a[1]);
    expect(itemKeys({ ...base, guid: null, link: null }, FEED_URL)).toHaveLength(1);
    expect(itemKeys({ ...base, title: null, guid: null, link: null }, FEED_URL)).toEqual([]);
  });
});
