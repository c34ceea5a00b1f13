import type { TopicMatcher } from "../topics/rules.js";
import type { Article } from "./article.js";
import { decodeFeedBody } from "./decode.js";
import { itemIdentity } from "./item-keys.js";
import { normalizeItem, providerName } from "./normalize.js";
import { parseFeed } from "./parse.js";

/** Everything needed to turn one fetched body into new Articles; plain data, so it can cross to a worker. */
export interface FeedJob {
  body: Uint8Array;
  contentType: string | null;
  feedId: string;
  /** The URL finally fetched: the base for relative links. */
  baseUrl: string;
  configuredProvider?: string;
  quality: number;
  defaultTopics: readonly string[];
  /** Item keys already seen in this feed; null on its first poll. */
  known: readonly string[] | null;
  /** Whether new items are normalized (false on a first poll without backfill: nothing would be emitted). */
  normalize: boolean;
  nowMs: number;
}

export interface ProcessedFeed {
  title: string | null;
  /** Every item key present in the document (to refresh the seen set). */
  presentKeys: string[];
  /** Items not seen before, normalized, in document order (items without an http(s) link are dropped). */
  fresh: Article[];
}

/**
 * Decode → parse → identify → normalize new items. The same code runs in the poller's process or in a
 * parse worker (see parse-pool.ts); it throws FeedError for bodies that are not feeds.
 */
export async function processFeedBody(job: FeedJob, topics: TopicMatcher | null): Promise<ProcessedFeed> {
  const parsed = await parseFeed(decodeFeedBody(job.body, job.contentType));
  const known = new Set(job.known ?? []);
  const present = new Set<string>();
  const now = new Date(job.nowMs);
  const context = {
    feedId: job.feedId,
    feedUrl: job.baseUrl,
    providerName: providerName(job.configuredProvider, parsed.title, job.baseUrl),
    quality: job.quality,
    defaultTopics: job.defaultTopics,
    topics,
    now,
  };
  const fresh: Article[] = [];
  for (const item of parsed.items) {
    const { keys, link } = itemIdentity(item, job.baseUrl);
    if (keys.length === 0) continue;
    // Known by any key: survives rewritten guids, links, dates or descriptions; also drops in-feed duplicates.
    const isKnown = keys.some((k) => known.has(k) || present.has(k));
    for (const k of keys) present.add(k);
    if (isKnown || !job.normalize) continue;
    const article = normalizeItem(item, context, link);
    if (article) fresh.push(article);
  }
  return { title: parsed.title, presentKeys: [...present], fresh };
}
