import { asciiLower, hashOf } from "./token-hash.js";
import { isGenericName, normalizeToken } from "./token-normalizer.js";

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
const GENERIC = 2; // a generic name (`isGenericName`): a capital does not make it the story's name

/**
 * Raw token (lower case) → its terms, as term ids from `intern` (the grouper's own ids, so that one
 * lookup per token gives the term's postings). Tokenizing is the hot path of grouping and news
 * vocabulary repeats, so each distinct token is normalized and stemmed once. The owner bounds it:
 * `prune` (or `clear`) when `size` passes its limit.
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
    const flags = (digits ? DIGITS : 0) | (isGenericName(lower) ? GENERIC : 0);
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
