import { hash } from "node:crypto";
import type { TopicMatcher } from "../topics/rules.js";
import type { Article } from "./article.js";
import { absoluteHttpUrl, canonicalUrl, stripWww } from "./canonical-url.js";
import { parseFeedDate } from "./dates.js";
import type { FeedItem, ImageCandidate } from "./parse.js";
import { htmlToText, truncateAtWord } from "./text.js";

export const EXCERPT_MAX = 300;

/** What the normalizer needs to know about the feed an item came from. */
export interface FeedContext {
  feedId: string;
  /** The URL the feed was fetched from: the base for relative links. */
  feedUrl: string;
  /** Configured provider name, else the feed's title, else its host (see providerName). */
  providerName: string;
  quality: number;
  defaultTopics: readonly string[];
  /** Keyword rules; null when no topics are configured (e.g. `newsdesk parse` without --config). */
  topics: TopicMatcher | null;
  now: Date;
}

/** A short, stable id for a canonical URL: the same article from two feeds gets the same id. */
export function articleId(url: string): string {
  return hash("sha256", url, "base64url").slice(0, 16);
}

/** The outlet name shown on posts: configured name, else the feed's own title, else its host. */
export function providerName(configured: string | undefined, feedTitle: string | null, feedUrl: string): string {
  if (configured) return configured;
  const title = feedTitle ? htmlToText(feedTitle).text : "";
  if (title) return truncateAtWord(title, 80);
  try {
    return stripWww(new URL(feedUrl).hostname);
  } catch {
    return feedUrl;
  }
}

const VIDEO_OR_AUDIO = /\.(mp4|m4v|mov|webm|mkv|avi|mp3|m4a|aac|ogg|oga|wav|flac|pdf)(\?|$)/i;

function looksLikeImage(candidate: ImageCandidate): boolean {
  if (candidate.type) return candidate.type.toLowerCase().startsWith("image/");
  if (candidate.medium) return candidate.medium.toLowerCase() === "image";
  return !VIDEO_OR_AUDIO.test(candidate.url);
}

/** The item's URL: its link, else a guid that is a URL (RSS isPermaLink). */
function itemUrl(item: FeedItem, base: string, canonicalLink: string | null | undefined): string | null {
  const link = canonicalLink === undefined ? canonicalUrl(item.link, base) : canonicalLink;
  return link ?? (item.guid && /^https?:\/\//i.test(item.guid) ? canonicalUrl(item.guid) : null);
}

/**
 * Feed item → Article. Pure: the same item, context and `now` give the same Article. Returns null
 * for an item without any http(s) URL, which cannot be linked from a post.
 */
export function normalizeItem(
  item: FeedItem,
  ctx: FeedContext,
  /** `canonicalUrl(item.link, ctx.feedUrl)` when the caller has it already (see itemIdentity). */
  canonicalLink?: string | null,
): Article | null {
  const url = itemUrl(item, ctx.feedUrl, canonicalLink);
  if (url === null) return null;

  let image: string | null = null;
  for (const candidate of item.images) {
    if (!looksLikeImage(candidate)) continue;
    image = absoluteHttpUrl(candidate.url, ctx.feedUrl);
    if (image) break;
  }
  // Enough text for the excerpt (with room for collapsed whitespace), and the first <img> only when needed.
  const textOptions = { maxText: EXCERPT_MAX + 150, wantImage: image === null };
  const description = htmlToText(item.description, textOptions);
  const needContent = item.content && (description.text === "" || (image === null && description.firstImage === null));
  const content = needContent ? htmlToText(item.content, textOptions) : { text: "", firstImage: null };
  const bodyText = description.text || content.text;
  const excerpt = truncateAtWord(bodyText, EXCERPT_MAX);
  const title = htmlToText(item.title).text || truncateAtWord(bodyText, 120) || url;
  image ??= absoluteHttpUrl(content.firstImage ?? description.firstImage, ctx.feedUrl);

  let published: Date | null = null;
  for (const raw of item.dates) {
    published = parseFeedDate(raw);
    if (published) break;
  }
  if (published === null || published.getTime() > ctx.now.getTime()) published = ctx.now;

  const topics = new Set(ctx.defaultTopics);
  if (ctx.topics) for (const slug of ctx.topics.tag(`${title}\n${excerpt}`)) topics.add(slug);

  return {
    id: articleId(url),
    url,
    title,
    excerpt,
    image,
    provider: { name: ctx.providerName, domain: stripWww(new URL(url).hostname) },
    publishedAt: published.toISOString(),
    topics: [...topics],
    feedId: ctx.feedId,
    quality: ctx.quality,
    guid: item.guid,
  };
}
