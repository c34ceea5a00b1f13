import { hash } from "node:crypto";
import { canonicalUrl } from "./canonical-url.js";
import type { FeedItem } from "./parse.js";
import { collapseWhitespace } from "./text.js";

function shortHash(text: string): string {
  return hash("sha1", text, "base64url").slice(0, 16);
}

/**
 * The keys that identify an item within its feed: its guid and its canonical link, else a hash of its
 * title. An item is known when any of its keys is known, so a feed that rewrites guids (but keeps
 * links), or rewrites links (but keeps guids), or changes dates and descriptions, re-emits nothing.
 * Keys are hashed to a fixed size so the per-feed seen set stays small.
 */
export function itemKeys(item: FeedItem, feedUrl: string): string[] {
  return itemIdentity(item, feedUrl).keys;
}

/** The item's keys, and its canonical link (or null), which normalizing needs again. */
export function itemIdentity(item: FeedItem, feedUrl: string): { keys: string[]; link: string | null } {
  const keys: string[] = [];
  if (item.guid) keys.push(`g${shortHash(item.guid.trim())}`);
  const link = canonicalUrl(item.link, feedUrl);
  if (link) keys.push(`u${shortHash(link)}`);
  if (keys.length === 0 && item.title) keys.push(`t${shortHash(collapseWhitespace(item.title).toLowerCase())}`);
  return { keys, link };
}
