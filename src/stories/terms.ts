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

/** A normalized token and whether the text marks it as a name (capitalized inside a sentence, or has digits). */
export interface Token {
  term: string;
  name: boolean;
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
function normalizeToken(lower: string): { terms: string[]; digits: boolean } {
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

// FNV-1a over the UTF-16 code units of the lower-cased token.
const HASH_SEED = 0x811c9dc5;
const HASH_PRIME = 0x01000193;

/** FNV-1a hash of a string's UTF-16 code units (also the grouper's term table hash). */
export function hashOf(lower: string): number {
  let h = HASH_SEED;
  for (let i = 0; i < lower.length; i++) h = Math.imul(h ^ lower.charCodeAt(i), HASH_PRIME);
  return h;
}

// Fields of one vocabulary table slot (an Int32Array row, so one probe reads one cache line).
const USED = 0; // 1 when the slot holds a token
const HASH = 1;
const KEY_START = 2; // the lower-cased token's characters in `chars`
const KEY_LENGTH = 3;
const TERM_COUNT = 4; // 0 for a stopword, several for "ai-powered"
const TERM = 5; // the term id when there is one, else where the ids start in `multiTerms`
const FLAGS = 6;
const HIT = 7; // 1 once looked up again since it was added or last kept by `prune`
const ROW = 8;
const DIGITS = 1; // the token carries digits: a number, a model, a version
const GENERIC = 2; // a generic name (`GENERIC_NAMES`): a capital does not make it the story's name

/**
 * Raw token (lower case) → its terms, as term ids from `intern` (the grouper's own ids, so that one
 * lookup per token gives the term's postings). Tokenizing is the hot path of grouping and news
 * vocabulary repeats, so each distinct token is normalized and stemmed once. The owner bounds it:
 * `clear()` when `size` passes its limit.
 *
 * An open-addressing table of typed arrays rather than a Map of strings to objects: the scanner
 * hashes an ASCII token straight from the text and compares it in place, so a known token costs no
 * string (a slice and its lower case), no hashing or comparison in the runtime, and a few cache misses
 * (its table row, its characters) instead of one per object on the way. A lookup returns the row,
 * read with `termCount`, `term` and `digits` before the next lookup (which may move rows).
 */
export class Vocabulary {
  private table = new Int32Array(1024 * ROW);
  private chars = new Uint16Array(4096);
  private charsUsed = 0;
  private multiTerms = new Int32Array(64);
  private multiUsed = 0;
  private count = 0;
  /** Scratch of `weighTerms` for this vocabulary's terms. */
  readonly weigher = new Weigher();
  constructor(private readonly intern: (term: string) => number) {}

  get size(): number {
    return this.count;
  }

  clear(): void {
    this.table.fill(0);
    this.count = 0;
    this.charsUsed = 0;
    this.multiUsed = 0;
  }

  /**
   * Keeps at most `limit` of the tokens looked up again since they were added (or last kept), those
   * whose terms all pass `keep`, and forgets the others: unlike `clear`, the words a feed keeps using
   * are not normalized and stemmed again (after a clear that re-learning was most of the vocabulary's
   * inserts). Row numbers change.
   */
  prune(limit: number, keep: (term: number) => boolean): void {
    const old = this.table;
    const oldChars = this.chars;
    const oldMulti = this.multiTerms;
    this.table = new Int32Array(old.length);
    this.chars = new Uint16Array(oldChars.length);
    this.multiTerms = new Int32Array(oldMulti.length);
    this.count = 0;
    this.charsUsed = 0;
    this.multiUsed = 0;
    for (let from = 0; from < old.length && this.count < limit; from += ROW) {
      if (old[from + USED] === 0 || old[from + HIT] === 0) continue;
      const termCount = old[from + TERM_COUNT] as number;
      const term = old[from + TERM] as number;
      let kept = true;
      for (let k = 0; k < termCount && kept; k++) kept = keep(termCount === 1 ? term : (oldMulti[term + k] as number));
      if (!kept) continue;
      const row = this.emptyRow(old[from + HASH] as number);
      const table = this.table;
      copyRow(old, from, table, row);
      table[row + HIT] = 0;
      const keyStart = old[from + KEY_START] as number;
      const keyLength = old[from + KEY_LENGTH] as number;
      table[row + KEY_START] = this.charsUsed;
      for (let j = 0; j < keyLength; j++) this.chars[this.charsUsed + j] = oldChars[keyStart + j] as number;
      this.charsUsed += keyLength;
      if (termCount > 1) {
        table[row + TERM] = this.multiUsed;
        for (let k = 0; k < termCount; k++) this.multiTerms[this.multiUsed + k] = oldMulti[term + k] as number;
        this.multiUsed += termCount;
      }
      this.count++;
    }
  }

  termCount(row: number): number {
    return this.table[row + TERM_COUNT] as number;
  }

  /** The k-th term id of the token in `row`. */
  term(row: number, k: number): number {
    const table = this.table;
    return table[row + TERM_COUNT] === 1
      ? (table[row + TERM] as number)
      : (this.multiTerms[(table[row + TERM] as number) + k] as number);
  }

  digits(row: number): boolean {
    return ((this.table[row + FLAGS] as number) & DIGITS) !== 0;
  }

  generic(row: number): boolean {
    return ((this.table[row + FLAGS] as number) & GENERIC) !== 0;
  }

  /** The row of a lower-cased token. */
  lookup(lower: string): number {
    const h = hashOf(lower);
    const table = this.table;
    const mask = table.length / ROW - 1;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const row = i * ROW;
      if (table[row + USED] === 0) return this.insert(lower, h, row);
      if (table[row + HASH] !== h || table[row + KEY_LENGTH] !== lower.length) continue;
      const start = table[row + KEY_START] as number;
      let j = 0;
      while (j < lower.length && this.chars[start + j] === lower.charCodeAt(j)) j++;
      if (j === lower.length) {
        table[row + HIT] = 1;
        return row;
      }
    }
  }

  /**
   * The row of the ASCII token `text[start, end)`, lower-cased in place; `h` is its hash (`hashOf`
   * of its lower case).
   */
  lookupAscii(text: string, start: number, end: number, h: number): number {
    const table = this.table;
    const mask = table.length / ROW - 1;
    const length = end - start;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const row = i * ROW;
      if (table[row + USED] === 0) return this.insert(text.slice(start, end).toLowerCase(), h, row);
      if (table[row + HASH] !== h || table[row + KEY_LENGTH] !== length) continue;
      const key = table[row + KEY_START] as number;
      let j = 0;
      while (j < length && this.chars[key + j] === asciiLower(text.charCodeAt(start + j))) j++;
      if (j === length) {
        table[row + HIT] = 1;
        return row;
      }
    }
  }

  /** Normalizes a new token into the empty `row` (its probe's end); returns its row. */
  private insert(lower: string, h: number, row: number): number {
    const { terms, digits } = normalizeToken(lower);
    const ids = terms.map(this.intern);
    if (this.charsUsed + lower.length > this.chars.length) {
      const chars = new Uint16Array(Math.max(this.charsUsed + lower.length, this.chars.length * 2));
      chars.set(this.chars.subarray(0, this.charsUsed));
      this.chars = chars;
    }
    const keyStart = this.charsUsed;
    for (let j = 0; j < lower.length; j++) this.chars[keyStart + j] = lower.charCodeAt(j);
    this.charsUsed += lower.length;
    let term = ids.length === 1 ? (ids[0] as number) : this.multiUsed;
    if (ids.length > 1) {
      if (this.multiUsed + ids.length > this.multiTerms.length) {
        const multi = new Int32Array(Math.max(this.multiUsed + ids.length, this.multiTerms.length * 2));
        multi.set(this.multiTerms.subarray(0, this.multiUsed));
        this.multiTerms = multi;
      }
      this.multiTerms.set(ids, this.multiUsed);
      this.multiUsed += ids.length;
    } else if (ids.length === 0) term = 0;
    const flags = (digits ? DIGITS : 0) | (GENERIC_NAMES.has(lower) ? GENERIC : 0);
    this.count++;
    // At most half full, so probe runs stay short.
    if (this.count * 2 > this.table.length / ROW) {
      this.rehash(this.table.length * 2);
      row = this.emptyRow(h);
    }
    const table = this.table;
    table[row + USED] = 1;
    table[row + HASH] = h;
    table[row + KEY_START] = keyStart;
    table[row + KEY_LENGTH] = lower.length;
    table[row + TERM_COUNT] = ids.length;
    table[row + TERM] = term;
    table[row + FLAGS] = flags;
    return row;
  }

  private emptyRow(h: number): number {
    const mask = this.table.length / ROW - 1;
    let i = h & mask;
    while (this.table[i * ROW + USED] !== 0) i = (i + 1) & mask;
    return i * ROW;
  }

  private rehash(length: number): void {
    const old = this.table;
    this.table = new Int32Array(length);
    for (let row = 0; row < old.length; row += ROW) {
      if (old[row + USED] === 0) continue;
      copyRow(old, row, this.table, this.emptyRow(old[row + HASH] as number));
    }
  }
}

/** Copies a table row field by field: a `subarray` view per row was most of the garbage of a prune. */
function copyRow(from: Int32Array, fromRow: number, to: Int32Array, toRow: number): void {
  for (let f = 0; f < ROW; f++) to[toRow + f] = from[fromRow + f] as number;
}

function asciiLower(code: number): number {
  return code >= 65 && code <= 90 ? code + 32 : code;
}

// Character classes of the tokenizer, computed once per UTF-16 code unit: bit 1 set once known,
// bit 2 letter or digit, bit 4 upper case. A hand-written scanner instead of one Unicode regex:
// tokenizing is most of the cost of grouping.
const KNOWN = 1;
const WORD = 2;
const UPPER = 4;
const charClass = new Uint8Array(65_536);
const WORD_CHAR = /[\p{L}\p{N}\p{M}]/u;
const UPPER_CHAR = /\p{Lu}/u;
function classOf(code: number): number {
  const c = charClass[code] as number;
  if (c !== 0) return c;
  const ch = String.fromCharCode(code);
  // Surrogates belong to astral letters (and emoji, harmlessly) and cannot be tested alone.
  const word = (code >= 0xd800 && code <= 0xdfff) || WORD_CHAR.test(ch);
  const computed = KNOWN | (word ? WORD : 0) | (UPPER_CHAR.test(ch) ? UPPER : 0);
  charClass[code] = computed;
  return computed;
}
function isWord(code: number): boolean {
  return (classOf(code) & WORD) !== 0;
}
function isUpper(code: number): boolean {
  return (classOf(code) & UPPER) !== 0;
}
// . , ' ’ & - join word parts: "1.2", "U.S.", "AT&T", "Hut-8".
function isJoiner(code: number): boolean {
  return code === 46 || code === 44 || code === 39 || code === 0x2019 || code === 38 || code === 45;
}

/** Receives the tokens of a text from `scan`: a class instance, not a closure per call. */
interface TokenVisitor {
  /**
   * One token with terms (its vocabulary `row`): `name` as in `Token`, `guardName` a name that is not
   * a generic word.
   */
  token(vocabulary: Vocabulary, row: number, name: boolean, guardName: boolean): void;
}

// Token boundaries of the text being scanned, reused by every call (scan does not re-enter).
let tokenStarts = new Int32Array(256);
let tokenEnds = new Int32Array(256);

/**
 * Visits each token of the text, in order, stopwords removed: a token is letters/digits with
 * inner joiners, an optional leading $ and trailing % or + ("$1.2B", "5%", "C++"). `name` tells
 * whether the text marks it as a name: capitalized inside a sentence (unless the text is in Title
 * Case, where capitals say nothing), or carrying digits.
 */
function scan(text: string, vocabulary: Vocabulary, visitor: TokenVisitor): void {
  const src = /^[\x00-\x7f]*$/.test(text) ? text : text.normalize("NFKC");
  const n = src.length;
  let count = 0;
  let capitalized = 0;
  let i = 0;
  while (i < n) {
    const start = i;
    const c = src.charCodeAt(i);
    if (c === 36 && i + 1 < n && isWord(src.charCodeAt(i + 1))) i++;
    else if (!isWord(c)) {
      i++;
      continue;
    }
    while (i < n && isWord(src.charCodeAt(i))) i++;
    while (i + 1 < n && isJoiner(src.charCodeAt(i)) && isWord(src.charCodeAt(i + 1))) {
      i++;
      while (i < n && isWord(src.charCodeAt(i))) i++;
    }
    if (i < n && src.charCodeAt(i) === 37) i++;
    else if (i < n && src.charCodeAt(i) === 43) {
      i++;
      if (i < n && src.charCodeAt(i) === 43) i++;
    }
    if (count === tokenStarts.length) {
      const starts = new Int32Array(count * 2);
      starts.set(tokenStarts);
      tokenStarts = starts;
      const ends = new Int32Array(count * 2);
      ends.set(tokenEnds);
      tokenEnds = ends;
    }
    tokenStarts[count] = start;
    tokenEnds[count] = i;
    count++;
    if (isUpper(src.charCodeAt(start))) capitalized++;
  }
  const titleCase = count >= 3 && capitalized / count > 0.6;
  for (let k = 0; k < count; k++) {
    const start = tokenStarts[k] as number;
    const end = tokenEnds[k] as number;
    // Hashed as it is lower-cased; a token with other than ASCII letters takes the string path.
    let h = HASH_SEED;
    let j = start;
    for (; j < end; j++) {
      const code = src.charCodeAt(j);
      if (code >= 128) break;
      h = Math.imul(h ^ asciiLower(code), HASH_PRIME);
    }
    const row =
      j === end ? vocabulary.lookupAscii(src, start, end, h) : vocabulary.lookup(src.slice(start, end).toLowerCase());
    if (vocabulary.termCount(row) === 0) continue;
    const name =
      vocabulary.digits(row) || (!titleCase && isUpper(src.charCodeAt(start)) && !afterSentenceEnd(src, start));
    visitor.token(vocabulary, row, name, name && !vocabulary.generic(row));
  }
}

/** Whether the text before `start` ends a sentence (so a capital there says nothing). */
function afterSentenceEnd(text: string, start: number): boolean {
  for (let i = start - 1; i >= 0; i--) {
    const code = text.charCodeAt(i);
    if (code === 32 || code === 9 || code === 10) continue;
    // . ! ? : ; " “ ”
    return (
      code === 46 ||
      code === 33 ||
      code === 63 ||
      code === 58 ||
      code === 59 ||
      code === 34 ||
      code === 0x201c ||
      code === 0x201d
    );
  }
  return true;
}

class TokenCollector implements TokenVisitor {
  out: Token[] = [];
  token(vocabulary: Vocabulary, row: number, name: boolean): void {
    const count = vocabulary.termCount(row);
    for (let k = 0; k < count; k++) this.out.push({ term: stringTerms[vocabulary.term(row, k)] as string, name });
  }
}

/** Normalized tokens of a text with their name flag (see `scan`). */
export function tokenize(text: string): Token[] {
  boundStrings();
  const collector = new TokenCollector();
  scan(text, strings, collector);
  return collector.out;
}

export function tokens(text: string): string[] {
  return tokenize(text).map((t) => t.term);
}

export function isSpecific(term: string): boolean {
  return HAS_DIGIT.test(term);
}

/** Receives an article's weighted terms from `weighTerms`. */
export interface TermSink {
  /** One occurrence of the term (id), in text order, with the weight it adds. */
  add(term: number, weight: number): void;
  /** The term is a name in the title that is not a generic word and has no digits (may repeat). */
  titleName(term: number): void;
}

/** Turns tokens into weighted occurrences; one instance reused per vocabulary, so no closure per article. */
class Weigher implements TokenVisitor {
  sink: TermSink | undefined;
  weight = 1;
  budget = 0;
  numberBoost = 1;
  nameBoost = 1;
  collectNames = false;

  token(vocabulary: Vocabulary, row: number, name: boolean, guardName: boolean): void {
    const sink = this.sink as TermSink;
    const count = vocabulary.termCount(row);
    const digits = vocabulary.digits(row);
    for (let k = 0; k < count; k++) {
      const term = vocabulary.term(row, k);
      if (this.budget-- > 0) {
        const boost = digits ? this.numberBoost : name ? this.nameBoost : 1;
        sink.add(term, this.weight * boost);
      }
      if (this.collectNames && guardName && !digits) sink.titleName(term);
    }
  }
}

/**
 * Weighted terms of one article, terms interned by the vocabulary, handed to the sink in text order
 * (title first); the title's names too when `collectNames`.
 */
export function weighTerms(
  title: string,
  excerpt: string,
  options: TermOptions,
  vocabulary: Vocabulary,
  sink: TermSink,
  collectNames = false,
): void {
  const weigher = vocabulary.weigher;
  weigher.sink = sink;
  weigher.numberBoost = options.numberBoost;
  weigher.nameBoost = options.nameBoost;
  weigher.weight = options.titleWeight;
  weigher.budget = Number.POSITIVE_INFINITY;
  weigher.collectNames = collectNames;
  scan(title, vocabulary, weigher);
  weigher.weight = 1;
  weigher.budget = options.maxExcerptTokens;
  weigher.collectNames = false;
  scan(excerpt, vocabulary, weigher);
  weigher.sink = undefined;
}

/** The vocabulary of `tokenize` and `articleTerms`: its term ids index `stringTerms`. */
const stringTerms: string[] = [];
const strings = new Vocabulary((term) => stringTerms.push(term) - 1);
const MAX_CACHED = 100_000;

function boundStrings(): void {
  if (strings.size <= MAX_CACHED) return;
  strings.clear();
  stringTerms.length = 0;
}

class WeightMap implements TermSink {
  readonly weights: TermWeights = new Map();
  add(term: number, weight: number): void {
    const text = stringTerms[term] as string;
    this.weights.set(text, (this.weights.get(text) ?? 0) + weight);
  }
  titleName(): void {}
}

/** Weighted terms of one article, as strings. */
export function articleTerms(title: string, excerpt: string, options: TermOptions = defaultTermOptions): TermWeights {
  boundStrings();
  const map = new WeightMap();
  weighTerms(title, excerpt, options, strings, map);
  return map.weights;
}
