import { createRequire } from "node:module";
import { decodeHTMLStrict } from "entities";
import RssParser from "rss-parser";
import { FeedError } from "./errors.js";

/** An image an item points at, before it is resolved and chosen. */
export interface ImageCandidate {
  url: string;
  type?: string;
  medium?: string;
}

/** One item as the feed wrote it: strings still carry HTML and entities; links may be relative. */
export interface FeedItem {
  title: string | null;
  link: string | null;
  guid: string | null;
  /** Raw date strings, best first: pubDate, dc:date, Atom published, Atom updated. */
  dates: string[];
  /** description (RSS) or summary (Atom): HTML. */
  description: string | null;
  /** content:encoded (RSS) or content (Atom): HTML. */
  content: string | null;
  /** enclosure, media:content, media:thumbnail, media:group, itunes:image, Atom enclosure links; in that order. */
  images: ImageCandidate[];
}

export interface ParsedFeed {
  title: string | null;
  link: string | null;
  items: FeedItem[];
}

type XmlNode = Record<string, unknown> & { $?: Record<string, string>; _?: string };

const parser = new RssParser<Record<string, unknown>, Record<string, unknown>>({
  defaultRSS: 2,
  customFields: {
    item: [
      ["media:content", "mediaContent", { keepArray: true }],
      ["media:thumbnail", "mediaThumbnail", { keepArray: true }],
      ["media:group", "mediaGroup", { keepArray: true }],
      ["itunes:image", "itunesImage"],
      ["link", "links", { keepArray: true }],
      ["published", "published"],
      ["updated", "updated"],
    ] as never,
  },
});

/** rss-parser's own "element → markup string" step, so descriptions read exactly as it would give them. */
const { getContent } = createRequire(import.meta.url)("rss-parser/lib/utils.js") as {
  getContent: (content: unknown) => string;
};

type Internals = {
  parseItemRss: (item: XmlNode, fields: unknown) => Record<string, unknown>;
  parseItemAtom: (e: XmlNode) => unknown;
};

// rss-parser derives a plain-text snippet from every description (and content:encoded, and Atom
// content) with a few regular expressions and an entity pass; we never read it (normalize.ts extracts
// its own text), and it was a tenth of the parse. Hand rss-parser each item without those elements and
// without the snippet flag, then take their markup as its getContent gives it.
type Field = string | [string, string, { includeSnippet?: boolean; keepArray?: boolean }?];
const snippetFree = new WeakMap<Field[], Field[]>();
/** rss-parser passes one field list for all items of a feed: trimmed once per feed, not per item. */
function withoutSnippets(fields: Field[]): Field[] {
  let trimmed = snippetFree.get(fields);
  if (!trimmed) {
    trimmed = fields.map((f) => {
      if (!Array.isArray(f) || !f[2]?.includeSnippet) return f;
      const { includeSnippet: _dropped, ...options } = f[2];
      return [f[0], f[1], options];
    });
    snippetFree.set(fields, trimmed);
  }
  return trimmed;
}

/** Runs `build` on the element with `field` hidden, then sets `content` from that field as rss-parser would. */
function withoutSnippet(
  element: XmlNode,
  field: string,
  build: () => Record<string, unknown>,
): Record<string, unknown> {
  const value = element[field] as unknown[] | undefined;
  if (!value || value.length === 0) return build();
  element[field] = undefined;
  try {
    const item = build();
    item.content = getContent(value[0]);
    return item;
  } finally {
    element[field] = value;
  }
}

const parseItemRss = (parser as unknown as Internals).parseItemRss.bind(parser);
(parser as unknown as Internals).parseItemRss = (xmlItem: XmlNode, fields: unknown) =>
  withoutSnippet(xmlItem, "description", () => parseItemRss(xmlItem, withoutSnippets(fields as Field[])));

// rss-parser turns Atom dates into ISO strings with `new Date(x).toISOString()`, which throws on a bad
// date and would lose the whole feed for one item. Drop unparseable dates before it sees them.
const parseItemAtom = (parser as unknown as Internals).parseItemAtom.bind(parser);
(parser as unknown as Internals).parseItemAtom = (entry: XmlNode) => {
  for (const field of ["published", "updated"]) {
    const value = text((entry[field] as unknown[] | undefined)?.[0]);
    if (value !== null && Number.isNaN(Date.parse(value))) entry[`raw-${field}`] = entry[field];
    if (value === null || Number.isNaN(Date.parse(value))) delete entry[field];
  }
  const item = withoutSnippet(entry, "content", () => parseItemAtom(entry) as Record<string, unknown>);
  // Keep the unparseable text so the normalizer can still try its own date formats.
  item.rawDates = ["raw-published", "raw-updated"].map((f) => text((entry[f] as unknown[] | undefined)?.[0]));
  item.isAtom = true;
  return item;
};

/** xml2js gives a string, `{_: text, $: attrs}`, or an element object; only text is useful here. */
function text(value: unknown): string | null {
  if (typeof value === "string") return value.trim() === "" ? null : value;
  if (value && typeof value === "object" && typeof (value as XmlNode)._ === "string") return text((value as XmlNode)._);
  return null;
}

function attrs(value: unknown): Record<string, string> {
  return (value && typeof value === "object" ? (value as XmlNode).$ : undefined) ?? {};
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
}

function mediaCandidates(nodes: unknown, out: ImageCandidate[]): void {
  for (const node of asArray(nodes)) {
    const a = attrs(node);
    if (a.url) out.push({ url: a.url, type: a.type, medium: a.medium });
    // A video's media:content often carries its poster frame as a nested media:thumbnail.
    for (const thumb of asArray((node as XmlNode)?.["media:thumbnail"])) {
      const t = attrs(thumb);
      if (t.url) out.push({ url: t.url, medium: "image" });
    }
  }
}

function imageCandidates(item: Record<string, unknown>): ImageCandidate[] {
  const out: ImageCandidate[] = [];
  const enclosure = item.enclosure as { url?: string; type?: string } | undefined;
  if (enclosure?.url) out.push({ url: enclosure.url, type: enclosure.type });
  mediaCandidates(item.mediaContent, out);
  for (const thumb of asArray(item.mediaThumbnail)) {
    const a = attrs(thumb);
    if (a.url) out.push({ url: a.url, medium: "image" });
  }
  for (const group of asArray(item.mediaGroup)) {
    mediaCandidates((group as XmlNode)?.["media:content"], out);
    for (const thumb of asArray((group as XmlNode)?.["media:thumbnail"])) {
      const a = attrs(thumb);
      if (a.url) out.push({ url: a.url, medium: "image" });
    }
  }
  const itunes = attrs(item.itunesImage).href ?? text(item.itunesImage);
  if (itunes) out.push({ url: itunes, medium: "image" });
  for (const link of asArray(item.links)) {
    const a = attrs(link);
    if (a.rel === "enclosure" && a.href) out.push({ url: a.href, type: a.type });
  }
  return out;
}

function toFeedItem(item: Record<string, unknown>): FeedItem {
  const dates = [item.pubDate, item["dc:date"], item.published, item.updated, ...asArray(item.rawDates)]
    .map(text)
    .filter((d): d is string => d !== null);
  // rss-parser puts an RSS description in `content` (serialized back to markup when it held elements);
  // in Atom, `content` is the content and `summary` the summary.
  const isAtom = item.isAtom === true;
  return {
    title: text(item.title),
    link: text(item.link),
    guid: text(item.guid) ?? text(item.id) ?? text(item["rdf:about"]),
    dates,
    description: isAtom ? text(item.summary) : text(item.content),
    content: isAtom ? text(item.content) : text(item["content:encoded"]),
    images: imageCandidates(item),
  };
}

/** The five entities XML defines itself; any other named entity is an HTML-ism sax would reject. */
const XML_ENTITIES = new Set(["amp", "lt", "gt", "quot", "apos"]);
const numericCache = new Map<string, string>();

/**
 * Many feeds use HTML entities such as `&nbsp;` that XML does not define, and a strict XML parser
 * rejects the whole document for one of them. Rewrite known HTML entities as numeric references.
 */
function htmlEntitiesToNumeric(xml: string): string {
  if (!xml.includes("&")) return xml;
  return xml.replace(/&([A-Za-z][A-Za-z0-9]{1,31});/g, (whole, name: string) => {
    if (XML_ENTITIES.has(name)) return whole;
    let numeric = numericCache.get(name);
    if (numeric === undefined) {
      const decoded = decodeHTMLStrict(whole);
      numeric = decoded === whole ? whole : [...decoded].map((ch) => `&#${ch.codePointAt(0)};`).join("");
      if (numericCache.size < 4096) numericCache.set(name, numeric);
    }
    return numeric;
  });
}

/** The prolog: everything before the root element (declaration, comments, DOCTYPE). */
function prolog(xml: string): string {
  const root = /<[A-Za-z_]/.exec(xml);
  return root ? xml.slice(0, root.index) : xml;
}

async function parseWithRssParser(xml: string): Promise<Record<string, unknown>> {
  try {
    return (await parser.parseString(htmlEntitiesToNumeric(xml))) as unknown as Record<string, unknown>;
  } catch (err) {
    // rss-parser reuses one xml2js parser, which keeps the failed document's state: without a reset the
    // next document can fail with a wrong reason ("neither RSS nor Atom" for a second broken feed).
    (parser as unknown as { xmlParser: { reset(): void } }).xmlParser.reset();
    throw err;
  }
}

/**
 * Parses RSS 0.9x/1.0/2.0 or Atom text. Throws FeedError `not_a_feed` for documents that are not
 * feeds (HTML pages, empty bodies, other XML) and `parse` for malformed XML or a DTD that declares
 * entities: internal entities are how the "billion laughs" expansion bomb works, and no real feed needs them.
 */
export async function parseFeed(xml: string): Promise<ParsedFeed> {
  const head = prolog(xml);
  if (/<!ENTITY/i.test(head)) {
    throw new FeedError(
      "parse",
      "the document declares XML entities in its DOCTYPE; refused (entity-expansion attack)",
    );
  }
  if (xml.trim() === "") throw new FeedError("not_a_feed", "the response body is empty");
  if (/<!doctype\s+html/i.test(head) || /^<html[\s>]/i.test(xml.slice(head.length, head.length + 6))) {
    throw new FeedError("not_a_feed", "the document is an HTML page, not an RSS or Atom feed");
  }
  let feed: Record<string, unknown>;
  try {
    feed = await parseWithRssParser(xml);
  } catch (err) {
    const message = (err as Error).message ?? String(err);
    if (/not recognized as RSS|Unable to parse XML/i.test(message)) {
      throw new FeedError("not_a_feed", "the document is XML but neither RSS nor Atom", { cause: err });
    }
    throw new FeedError("parse", `invalid XML: ${message.replace(/\s+/g, " ").trim()}`, { cause: err });
  }
  const items = asArray(feed.items) as Record<string, unknown>[];
  return { title: text(feed.title), link: text(feed.link), items: items.map(toFeedItem) };
}
