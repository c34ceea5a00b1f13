import { grown } from "./slots.js";
import { asciiLower, HASH_PRIME, HASH_SEED } from "./token-hash.js";
import type { Vocabulary } from "./vocabulary.js";

/*
 * The tokenizer: finds the tokens of a text, looks each up in a vocabulary and tells a visitor its
 * terms and whether the text marks it as a name. It allocates nothing per known ASCII token.
 */

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

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/**
 * A comma at `i` joins only a thousands group ("1,000", "12,500,000"): digits before it and exactly
 * three after. Otherwise it separates: "June 11,2012" (a year glued to a date), "2013,18:07",
 * "Apple,Google".
 */
function commaJoins(text: string, i: number, n: number): boolean {
  if (text.charCodeAt(i) !== 44) return true;
  if (i === 0 || !isDigit(text.charCodeAt(i - 1))) return false;
  if (i + 3 >= n) return false;
  for (let k = 1; k <= 3; k++) if (!isDigit(text.charCodeAt(i + k))) return false;
  return i + 4 >= n || !isDigit(text.charCodeAt(i + 4));
}

/** Receives the tokens of a text from `scan`: a class instance, not a closure per call. */
export interface TokenVisitor {
  /**
   * One token with terms (its vocabulary `row`): `name` as in `Token`, `guardName` a name that is not
   * a generic word.
   */
  token(vocabulary: Vocabulary, row: number, name: boolean, guardName: boolean): void;
}

// The tokens of the text being scanned, reused by every call (scan does not re-enter): boundaries, the
// hash of the lower-cased token, and whether its characters are all ASCII (a joiner such as ’ aside,
// which has no case: such a token's ASCII lower case is its lower case).
let tokenStarts = new Int32Array(256);
let tokenEnds = new Int32Array(256);
let tokenHashes = new Int32Array(256);
let tokenAscii = new Uint8Array(256);

function growTokens(): void {
  const length = tokenStarts.length * 2;
  tokenStarts = grown(tokenStarts, length);
  tokenEnds = grown(tokenEnds, length);
  tokenHashes = grown(tokenHashes, length);
  tokenAscii = grown(tokenAscii, length);
}

/**
 * Visits each token of the text, in order, stopwords removed: a token is letters/digits with
 * inner joiners, an optional leading $ and trailing % or + ("$1.2B", "5%", "C++"). `name` tells
 * whether the text marks it as a name: capitalized inside a sentence (unless the text is in Title
 * Case, where capitals say nothing), or carrying digits.
 *
 * One pass over the characters finds the tokens and hashes each as it goes; the lookups follow, once
 * the share of capitalized tokens (Title Case or not) is known.
 */
export function scan(text: string, vocabulary: Vocabulary, visitor: TokenVisitor): void {
  const src = /^[\x00-\x7f]*$/.test(text) ? text : text.normalize("NFKC");
  const n = src.length;
  let count = 0;
  let capitalized = 0;
  let i = 0;
  while (i < n) {
    const start = i;
    let code = src.charCodeAt(i);
    let h = HASH_SEED;
    let ascii = 1;
    if (code === 36 && i + 1 < n && isWord(src.charCodeAt(i + 1))) {
      h = Math.imul(h ^ code, HASH_PRIME);
      code = src.charCodeAt(++i);
    } else if (!isWord(code)) {
      i++;
      continue;
    }
    // Word characters, then joiner-and-word-characters groups: `code` is the character at `i`.
    for (;;) {
      do {
        if (code >= 128) ascii = 0;
        h = Math.imul(h ^ asciiLower(code), HASH_PRIME);
        code = ++i < n ? src.charCodeAt(i) : -1;
      } while (code !== -1 && isWord(code));
      if (code === -1 || !isJoiner(code) || i + 1 >= n || !isWord(src.charCodeAt(i + 1)) || !commaJoins(src, i, n))
        break;
      h = Math.imul(h ^ code, HASH_PRIME);
      code = src.charCodeAt(++i);
    }
    if (code === 37) {
      h = Math.imul(h ^ code, HASH_PRIME);
      i++;
    } else if (code === 43) {
      h = Math.imul(h ^ code, HASH_PRIME);
      if (++i < n && src.charCodeAt(i) === 43) {
        h = Math.imul(h ^ 43, HASH_PRIME);
        i++;
      }
    }
    if (count === tokenStarts.length) growTokens();
    tokenStarts[count] = start;
    tokenEnds[count] = i;
    tokenHashes[count] = h;
    tokenAscii[count] = ascii;
    count++;
    if (isUpper(src.charCodeAt(start))) capitalized++;
  }
  const titleCase = count >= 3 && capitalized / count > 0.6;
  for (let k = 0; k < count; k++) {
    const start = tokenStarts[k] as number;
    const end = tokenEnds[k] as number;
    // A token with other than ASCII characters takes the string path (its lower case is not ASCII's).
    const row =
      tokenAscii[k] === 1
        ? vocabulary.lookupAscii(src, start, end, tokenHashes[k] as number)
        : vocabulary.lookup(src.slice(start, end).toLowerCase());
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
