/**
 * Headline-only feeds (aggregators, wire feeds without descriptions) give the grouper a title and
 * nothing else, and their titles are often cut ("… Clare Crawley  ..."). Most news URLs carry the
 * full headline as a slug ("/2026/03/nvidia-ships-rubin-gpus-to-azure.html"), so its words stand in
 * for the missing excerpt.
 */

/** Fewer words than this is an id or a section name ("/tech/ai", "/article-123"), not a headline. */
const MIN_SLUG_WORDS = 3;
const SEPARATORS = /[-_+\s]+/u;
const EXTENSION = /\.[a-z0-9]{2,5}$/iu;
const HAS_LETTER = /\p{L}/u;
// Content ids that slugs sometimes end with: long hex runs or letter-digit mixes ("a1b2c3d4e5").
const ID_LIKE = /^(?=.*\d)[0-9a-f]{6,}$/iu;

/** The words of the longest headline-like slug in the URL's path or query, or "" when it has none. */
export function slugWords(url: string | undefined): string {
  if (!url) return "";
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "";
  }
  const candidates = [...parsed.pathname.split("/"), ...parsed.searchParams.values()];
  let best: string[] = [];
  for (const raw of candidates) {
    const words = slugOf(decode(raw));
    if (words.length > best.length) best = words;
  }
  return best.length >= MIN_SLUG_WORDS ? best.join(" ") : "";
}

function slugOf(segment: string): string[] {
  const parts = segment.replace(EXTENSION, "").split(SEPARATORS);
  if (parts.length < MIN_SLUG_WORDS) return [];
  // A part with "%" left in it is an escape that did not decode: noise, not a word.
  return parts.filter((part) => HAS_LETTER.test(part) && !ID_LIKE.test(part) && !part.includes("%"));
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
