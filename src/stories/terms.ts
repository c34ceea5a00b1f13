import { stemmer } from "stemmer";

/**
 * Turns an article's title and excerpt into weighted terms for grouping. Outlets rewrite headlines,
 * so terms are stemmed words ("acquires" ~ "acquired"); tokens that carry digits or symbols ("H100",
 * "$1.2b", "8") are kept whole because they name the specific thing a story is about.
 */

/** A term and the weight it carries in one article (title words count more than excerpt words). */
export type TermWeights = Map<string, number>;

export interface TermOptions {
  /** Weight of one title occurrence; excerpt occurrences weigh 1. */
  titleWeight: number;
  /** Extra factor for tokens that contain a digit ("H100", "2026", "$1.2b"). */
  numberBoost: number;
  /** Extra factor for words capitalized inside a sentence (names of people, places, products). */
  nameBoost: number;
  /** Only the first this many excerpt tokens are used: feeds cut excerpts at arbitrary lengths. */
  maxExcerptTokens: number;
}

export const defaultTermOptions: TermOptions = {
  titleWeight: 2,
  numberBoost: 1.5,
  nameBoost: 1,
  maxExcerptTokens: 60,
};

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

// A token: letters/digits with inner . , ' - (so "1.2", "U.S.", "Hut-8"), an optional leading $ and
// trailing % or + (so "$1.2B", "5%", "C++" keep what makes them specific).
const TOKEN = /\$?[\p{L}\p{N}]+(?:[.,'’&-][\p{L}\p{N}]+)*(?:%|\+\+?)?/gu;
const HAS_DIGIT = /\p{N}/u;

/** A normalized token and whether the text marks it as a name (capitalized inside a sentence, or has digits). */
export interface Token {
  term: string;
  name: boolean;
}

const UPPER = /^\p{Lu}/u;
const SENTENCE_END = /[.!?:;"“”]\s*$/u;

/**
 * Normalized tokens of a text, in order, stopwords removed. A capitalized word inside a sentence is a
 * name ("Thomas", "BlackBerry"), unless the text is in Title Case, where capitals say nothing.
 */
export function tokenize(text: string): Token[] {
  const source = text.normalize("NFKC");
  const matches = [...source.matchAll(TOKEN)];
  let capitalized = 0;
  for (const m of matches) if (UPPER.test(m[0])) capitalized++;
  const titleCase = matches.length >= 3 && capitalized / matches.length > 0.6;
  const out: Token[] = [];
  for (const match of matches) {
    const original = match[0];
    let token = original
      .toLowerCase()
      .replace(/['’]s$/u, "")
      .replace(/’/gu, "'");
    if (HAS_DIGIT.test(token)) {
      // "1,200" and "1200" are the same number; "$1.2b" stays as written.
      token = token.replace(/(\d),(?=\d{3}\b)/gu, "$1");
      out.push({ term: token, name: true });
      continue;
    }
    const start = match.index ?? 0;
    const name =
      !titleCase &&
      UPPER.test(original) &&
      start > 0 &&
      !SENTENCE_END.test(source.slice(Math.max(0, start - 3), start));
    // Hyphenated words and dotted abbreviations: "ai-powered" → ai, powered; "u.s." → us.
    for (const part of token.includes("-") ? token.split("-") : [token.replace(/\./gu, "")]) {
      if (part.length < 2 || STOPWORDS.has(part)) continue;
      out.push({ term: part.length > 3 ? stemmer(part.replace(/'/gu, "")) : part.replace(/'/gu, ""), name });
    }
  }
  return out;
}

export function tokens(text: string): string[] {
  return tokenize(text).map((t) => t.term);
}

export function isSpecific(term: string): boolean {
  return HAS_DIGIT.test(term);
}

/** Weighted terms of one article. */
export function articleTerms(title: string, excerpt: string, options: TermOptions = defaultTermOptions): TermWeights {
  const weights: TermWeights = new Map();
  const add = (token: Token, w: number) => {
    const boost = isSpecific(token.term) ? options.numberBoost : token.name ? options.nameBoost : 1;
    weights.set(token.term, (weights.get(token.term) ?? 0) + w * boost);
  };
  for (const t of tokenize(title)) add(t, options.titleWeight);
  const body = tokenize(excerpt);
  const n = Math.min(body.length, options.maxExcerptTokens);
  for (let i = 0; i < n; i++) add(body[i] as Token, 1);
  return weights;
}
