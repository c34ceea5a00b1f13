/** The outlet that published an article, as shown on a story post. */
export interface Provider {
  name: string;
  /** Registrable host without `www.`, e.g. `arstechnica.com`. */
  domain: string;
}

/**
 * One item of one feed, normalized. The JSON field names are part of the CLI's output contract
 * (`newsdesk parse`) and of the grouping input (`newsdesk group`).
 */
export interface Article {
  /** Stable id derived from the canonical URL, so the same article seen in two feeds is one article. */
  id: string;
  /** Canonical URL: http(s), lower-case host, no `www.`, no fragment, no tracking parameters. */
  url: string;
  /** Plain text, entities decoded, whitespace collapsed. */
  title: string;
  /** Plain text, at most 300 characters, cut at a word boundary with an ellipsis. */
  excerpt: string;
  /** Absolute http(s) URL, or null. */
  image: string | null;
  provider: Provider;
  /** ISO 8601; never in the future; the first-seen time when the feed gives none. */
  publishedAt: string;
  /** Topic slugs: the feed's defaults and every topic whose keyword rules match. */
  topics: string[];
  /** Id of the configured feed the article came from. */
  feedId: string;
  /** The feed's quality weight for its provider (0–100). */
  quality: number;
  /** The item's guid as the feed gave it, when it gave one. */
  guid: string | null;
}
