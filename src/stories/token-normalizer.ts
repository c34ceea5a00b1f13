import { stemmer } from "stemmer";

/*
 * What one lower-cased token becomes: its terms (stemmed words; tokens with digits kept whole) or none
 * (stopwords). Uncached and allocating: `Vocabulary` runs it once per distinct token.
 */

// Function words and headline filler that say nothing about which event an article covers.
// IDF discounts frequent words anyway; this list removes the ones so frequent that they would only
// pull unrelated stories into each other's candidate lists.
const STOPWORDS = new Set(
  (
    "a about above after again against all also am an and any are aren't as at be because been before being below " +
    "between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down during each " +
    "few for from further had hadn't has hasn't have haven't having he he'd he'll he's her here here's hers herself " +
    "him himself his how how's i i'd i'll i'm i've if in into is isn't it it's its itself let's me more most mustn't " +
    "my myself no nor not of off on once only or other ought our ours ourselves out over own same shan't she she'd " +
    "she'll she's should shouldn't so some such than that that's the their theirs them themselves then there there's " +
    "these they they'd they'll they're they've this those through to too under until up very was wasn't we we'd " +
    "we'll we're we've were weren't what what's when when's where where's which while who who's whom why why's with " +
    "won't would wouldn't you you'd you'll you're you've your yours yourself yourselves " +
    "says said say new news report reports reported update updated via just now get gets got will may might one two " +
    "three first last year years day days week weeks today yesterday tomorrow time latest breaking video photos watch " +
    "read here's according amid among"
  ).split(" "),
);

// Capitalized words that name a kind of thing, not one thing: "GPU" or "Thursday" in two headlines does
// not make them the same story, so they do not count as the shared title name the grouper asks for at
// cold start. They keep their name weight (taking it away cost uci-news 1.6 points of B-cubed F1).
const GENERIC_NAMES = new Set(
  (
    "ai ais gpu gpus cpu cpus npu tpu ceo ceos cfo cto app apps api apis pc pcs os tv us uk eu un ssd ssds ram dram " +
    "vr ar xr iot llm llms saas faq ipo ipos ev evs startup startups " +
    "monday tuesday wednesday thursday friday saturday sunday january february march april may june july august " +
    "september october november december"
  ).split(" "),
);

const HAS_DIGIT = /\p{N}/u;

/** Whether a token or term carries a digit: a number, a model, a version ("H100", "2026", "$1.2b"). */
export function hasDigit(token: string): boolean {
  return HAS_DIGIT.test(token);
}

/** Whether the lower-cased token is a generic name (see `GENERIC_NAMES`). */
export function isGenericName(lower: string): boolean {
  return GENERIC_NAMES.has(lower);
}

/** Only the letters a–z. */
function isPlainWord(token: string): boolean {
  for (let i = 0; i < token.length; i++) {
    const code = token.charCodeAt(i);
    if (code < 97 || code > 122) return false;
  }
  return true;
}

/** Normalizes one lower-cased token into its terms (uncached: see `Vocabulary`). */
export function normalizeToken(lower: string): { terms: string[]; digits: boolean } {
  // Most tokens are plain words, on which every rewrite below is a no-op.
  if (isPlainWord(lower)) {
    if (lower.length < 2 || STOPWORDS.has(lower)) return { terms: [], digits: false };
    return { terms: [lower.length > 3 ? stemmer(lower) : lower], digits: false };
  }
  let token = lower.replace(/['’]s$/u, "").replace(/’/gu, "'");
  if (HAS_DIGIT.test(token)) {
    // "1,200" and "1200" are the same number; "$1.2b" stays as written.
    token = token.replace(/(\d),(?=\d{3}\b)/gu, "$1");
    return { terms: [token], digits: true };
  }
  // Hyphenated words and dotted abbreviations: "ai-powered" → ai, powered; "u.s." → us.
  const terms: string[] = [];
  for (const part of token.includes("-") ? token.split("-") : [token.replace(/\./gu, "")]) {
    if (part.length < 2 || STOPWORDS.has(part)) continue;
    const bare = part.replace(/'/gu, "");
    terms.push(bare.length > 3 ? stemmer(bare) : bare);
  }
  return { terms, digits: false };
}
