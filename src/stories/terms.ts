import { scan, type TokenVisitor } from "./scanner.js";
import { Vocabulary } from "./vocabulary.js";

/**
 * Turns an article's title and excerpt into weighted terms for grouping. Outlets rewrite headlines,
 * so terms are stemmed words ("acquires" ~ "acquired"); tokens that carry digits or symbols ("H100",
 * "$1.2b", "8") are kept whole because they name the specific thing a story is about.
 */

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

/** A normalized token and whether the text marks it as a name (capitalized inside a sentence, or has digits). */
export interface Token {
  term: string;
  name: boolean;
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

/** Receives an article's weighted terms from `weighTerms`. */
export interface TermSink {
  /** One occurrence of the term (id), in text order, with the weight it adds. */
  add(term: number, weight: number): void;
  /** The term is a name in the title that is not a generic word and has no digits (may repeat). */
  titleName(term: number): void;
  /**
   * A text starts (the title, then the excerpt). With `pairWeight` above 0, each of its terms after
   * the first also makes a pair with the term before it (stopwords between them dropped), of that weight.
   */
  startText(pairWeight: number): void;
}

/** Turns tokens into weighted occurrences; one instance reused, so no closure per article. */
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

// One weigher for every call: `weighTerms` does not re-enter (a sink never weighs another article).
const weigher = new Weigher();

/**
 * Weighted terms of one article, terms interned by the vocabulary, handed to the sink in text order
 * (title first); the title's names too when `collectNames`; pairs of adjacent terms when `pairWeight`
 * is above 0 (relative to one term of the same part: title or excerpt).
 */
export function weighTerms(
  title: string,
  excerpt: string,
  options: TermOptions,
  vocabulary: Vocabulary,
  sink: TermSink,
  collectNames = false,
  pairWeight = 0,
): void {
  weigher.sink = sink;
  weigher.numberBoost = options.numberBoost;
  weigher.nameBoost = options.nameBoost;
  weigher.weight = options.titleWeight;
  weigher.budget = Number.POSITIVE_INFINITY;
  weigher.collectNames = collectNames;
  sink.startText(pairWeight * options.titleWeight);
  scan(title, vocabulary, weigher);
  weigher.weight = 1;
  weigher.budget = options.maxExcerptTokens;
  weigher.collectNames = false;
  sink.startText(pairWeight);
  scan(excerpt, vocabulary, weigher);
  weigher.sink = undefined;
}

/** The vocabulary of `tokenize`: its term ids index `stringTerms`. */
const stringTerms: string[] = [];
const strings = new Vocabulary((term) => stringTerms.push(term) - 1);
const MAX_CACHED = 100_000;

function boundStrings(): void {
  if (strings.size <= MAX_CACHED) return;
  strings.clear();
  stringTerms.length = 0;
}
