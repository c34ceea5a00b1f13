import type { GroupableArticle } from "./grouper.js";
import { defaultTermOptions, type TermOptions } from "./terms.js";

/** The grouper's tunables and their defaults (docs/grouping.md has the options table). */

export interface GrouperOptions extends TermOptions {
  /** Articles join only stories first seen less than this long before or after them. */
  windowMs: number;
  /** Minimum cosine similarity to join a story. */
  threshold: number;
  /** Terms in more stories than this do not retrieve candidates (they still score them). */
  maxPostings: number;
  /**
   * Postings scanned per article, rarest terms first; the remaining terms only score candidates.
   * With `maxCandidates` this bounds the work per article, whatever the size of the window.
   */
  maxScanned: number;
  /** Candidates scored in full per article. */
  maxCandidates: number;
  /**
   * Short texts (headline-only feeds) share fewer terms with a story than long ones do, so the
   * threshold scales by (terms / lengthRef) ^ lengthExponent for articles with fewer than
   * `lengthRef` distinct terms.
   */
  lengthRef: number;
  lengthExponent: number;
  /** Weigh an article's terms by 1 + ln(tf), so a word repeated in a long excerpt does not dominate. */
  sublinearTf: boolean;
  /** Terms kept per story centroid (the heaviest); bounds memory of long-running stories. */
  maxCentroidTerms: number;
  /**
   * Weight of a pair of adjacent terms ("gay bachelor", "bank england") in a headline-only article
   * (no excerpt: its title and URL slug), relative to one term of the same part; 0 turns pairs off.
   * A headline has too few words for single words to tell one news item from another on the same
   * subject; a shared phrase does. Articles with an excerpt have words enough and make no pairs.
   * Pairs only add to the score of stories the single words found, and do not count in the
   * length-adapted threshold (see `lengthRef`).
   */
  headlinePairWeight: number;
  /** Pairs kept per story (the heaviest; see `headlinePairWeight`). */
  maxCentroidPairs: number;
  /**
   * Distinct tokens remembered; past it the vocabulary keeps only (at most half as many of) the tokens
   * used again since the last time, and terms of no live story are forgotten. A 72 h window of 100k
   * articles holds ~300k distinct tokens: a smaller bound makes the grouper re-learn its own words.
   */
  maxVocabulary: number;
  /**
   * At cold start (see `coldStories`), an article whose title names things (words capitalized inside a
   * sentence, not generic ones like "GPU") joins only a story that mentions at least one of them:
   * shared generic words ("ships", "GPU", "clusters") are not enough, whatever IDF says of them then.
   */
  nameGuard: boolean;
  /**
   * While the window holds fewer stories than this, every word looks rare to IDF (df 1 of a few), so
   * a join also needs the stricter evidence: a shared title name (`nameGuard`) and at least
   * `minSharedTerms` shared terms. Past it, IDF tells generic words from specific ones by itself.
   */
  coldStories: number;
  minSharedTerms: number;
  /**
   * Background stories added to the window's count in IDF, ln((stories + 1 + idfPrior) / (df + 1)) + 1:
   * a term's weight then depends less on how many stories the window happens to hold.
   */
  idfPrior: number;
  /**
   * An article that names dates (years 1900–2099, months), none of them in a story whose centroid names
   * other dates, is most likely about another occurrence of the same kind of event (last year's launch,
   * an earlier quake, the previous season's injury, March's outage and not January's): its similarity to
   * that story is multiplied by this. A soft penalty, not a guard: outlets do cite other dates in passing.
   * 1 turns it off.
   */
  dateConflictFactor: number;
  /** Id for a story opened by this article; defaults to the article's id. */
  storyId?: (article: GroupableArticle) => string;
}

export const defaultGrouperOptions: GrouperOptions = {
  ...defaultTermOptions,
  windowMs: 72 * 3_600_000,
  titleWeight: 1.5,
  nameBoost: 2,
  threshold: 0.3,
  lengthRef: 40,
  lengthExponent: 0.6,
  sublinearTf: true,
  maxPostings: 64,
  maxScanned: 128,
  maxCandidates: 4,
  maxCentroidTerms: 100,
  headlinePairWeight: 0.7,
  maxCentroidPairs: 100,
  maxVocabulary: 400_000,
  nameGuard: true,
  coldStories: 60,
  minSharedTerms: 2,
  idfPrior: 100,
  dateConflictFactor: 0.85,
};
