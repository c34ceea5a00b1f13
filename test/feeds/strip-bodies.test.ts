import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { decodeFeedBody } from "../../src/feeds/decode.js";
import { FeedError } from "../../src/feeds/errors.js";
import { itemKeys } from "../../src/feeds/item-keys.js";
import { parseFeed } from "../../src/feeds/parse.js";
import { withoutItemBodies } from "../../src/feeds/strip-bodies.js";

const FIXTURES = path.join(import.meta.dirname, "../fixtures/feeds");
const FEED_URL = "https://feeds.example.test/dir/feed.xml";

describe("withoutItemBodies: a first poll parses items without their HTML bodies", () => {
  it("cuts description, content:encoded, Atom content and summary, whatever they hold", () => {
    const xml =
      "<rss><channel><item><title>A</title>" +
      "<description><![CDATA[<p>looks like </description> but is CDATA</p>]]></description>" +
      '<content:encoded type="html">&lt;p&gt;x<!-- </content:encoded> in a comment --></content:encoded>' +
      "<guid>1</guid></item></channel></rss>";
    expect(withoutItemBodies(xml)).toBe("<rss><channel><item><title>A</title><guid>1</guid></item></channel></rss>");
    const atom = '<feed><entry><title>B</title><summary/><content type="xhtml"><div>x</div></content ></entry></feed>';
    expect(withoutItemBodies(atom)).toBe("<feed><entry><title>B</title></entry></feed>");
  });

  it("keeps elements that only start like a body element", () => {
    const xml = "<rss><item><media:description>m</media:description><contents>c</contents><summaryx/></item></rss>";
    expect(withoutItemBodies(xml)).toBeNull();
  });

  it("gives up (null) on an element, CDATA section or comment left open", () => {
    expect(withoutItemBodies("<rss><item><description>never closed</item></rss>")).toBeNull();
    expect(withoutItemBodies("<rss><item><description><![CDATA[open</description></item></rss>")).toBeNull();
    expect(withoutItemBodies("<rss><!-- open <description>x</description></rss>")).toBeNull();
  });

  it("gives every fixture feed the same items, keys and dates as a full parse, without bodies", async () => {
    const files = readdirSync(FIXTURES).filter((f) => f.endsWith(".xml") && !["invalid.xml", "bomb.xml"].includes(f));
    expect(files.length).toBeGreaterThan(8);
    for (const file of files) {
      const text = decodeFeedBody(readFileSync(path.join(FIXTURES, file)));
      let full: Awaited<ReturnType<typeof parseFeed>>;
      try {
        full = await parseFeed(text);
      } catch (err) {
        // Not a feed: the identity-only parse must refuse it the same way.
        await expect(parseFeed(text, { bodies: false })).rejects.toMatchObject({ kind: (err as FeedError).kind });
        continue;
      }
      const light = await parseFeed(text, { bodies: false });
      expect(light.title, file).toBe(full.title);
      expect(
        light.items.map((i) => [i.title, i.link, i.guid, i.dates]),
        file,
      ).toEqual(full.items.map((i) => [i.title, i.link, i.guid, i.dates]));
      expect(light.items.map((i) => itemKeys(i, FEED_URL))).toEqual(full.items.map((i) => itemKeys(i, FEED_URL)));
      expect(
        light.items.every((i) => i.description === null && i.content === null),
        file,
      ).toBe(true);
    }
  });

  it("still refuses broken XML and entity bombs, and names the same reason each time", async () => {
    for (const file of ["invalid.xml", "invalid.xml", "bomb.xml"]) {
      const text = decodeFeedBody(readFileSync(path.join(FIXTURES, file)));
      for (const bodies of [true, false]) {
        const err = await parseFeed(text, { bodies }).catch((e: unknown) => e);
        expect(err, `${file} bodies=${bodies}`).toBeInstanceOf(FeedError);
        expect((err as FeedError).kind, `${file} bodies=${bodies}`).toBe("parse");
      }
    }
  });
});
