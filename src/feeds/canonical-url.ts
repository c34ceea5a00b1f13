/**
 * Canonical article URLs: the identity of an article across feeds (its id is a hash of this URL),
 * so the same story linked with different tracking decorations is still one article.
 */

/** Query parameters that only track the click; they never select different content. */
const TRACKING_PARAMS = new Set([
  "fbclid",
  "gclid",
  "dclid",
  "gbraid",
  "wbraid",
  "msclkid",
  "yclid",
  "igshid",
  "mc_cid",
  "mc_eid",
  "ref",
  "ref_src",
  "ref_url",
  "_hsenc",
  "_hsmi",
  "mkt_tok",
  "ncid",
  "guccounter",
  "guce_referrer",
  "guce_referrer_sig",
  "soc_src",
  "soc_trk",
  "cmpid",
  "oly_enc_id",
  "oly_anon_id",
  "vero_id",
  "spm",
]);

function isTracking(name: string): boolean {
  const lower = name.toLowerCase();
  return lower.startsWith("utm_") || TRACKING_PARAMS.has(lower);
}

/**
 * Resolves `link` against `base` and returns its canonical form: http(s) only, lower-case host
 * without `www.`, no fragment, no tracking parameters (the others sorted, so their order does not
 * make two URLs differ). Returns null when the link is not a usable http(s) URL.
 */
export function canonicalUrl(link: string | null | undefined, base?: string): string | null {
  const raw = link?.trim();
  if (!raw) return null;
  let url: URL;
  try {
    url = base ? new URL(raw, base) : new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  if (!url.hostname) return null;
  // Each setter re-serializes the whole URL (a few microseconds, for every item of every feed): set
  // only what differs. The URL parser has already lower-cased the host.
  if (url.hostname.startsWith("www.")) url.hostname = url.hostname.slice(4);
  if (raw.includes("#")) url.hash = "";
  if (url.username) url.username = "";
  if (url.password) url.password = "";
  if (url.search) {
    const kept = [...url.searchParams].filter(([name]) => !isTracking(name));
    kept.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    url.search = new URLSearchParams(kept).toString();
  }
  return url.href;
}

/** Any absolute http(s) URL (images): resolved, but otherwise left as the publisher wrote it. */
export function absoluteHttpUrl(link: string | null | undefined, base?: string): string | null {
  const raw = link?.trim();
  if (!raw) return null;
  try {
    const url = base ? new URL(raw, base) : new URL(raw);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

/** `www.example.com` → `example.com`; hosts are already lower-cased by the URL parser. */
export function stripWww(hostname: string): string {
  const host = hostname.toLowerCase();
  return host.startsWith("www.") ? host.slice(4) : host;
}
