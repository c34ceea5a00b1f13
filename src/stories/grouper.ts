import { ArticleVector } from "./article-vector.js";
import { defaultGrouperOptions, type GrouperOptions } from "./grouper-options.js";
import { LogTable } from "./log-table.js";
import { PairTables } from "./pair-tables.js";
import { grown, SlotAllocator } from "./slots.js";
import { TermFilter } from "./term-filter.js";
import { Postings, sortHeavierFirst, Terms } from "./term-index.js";
import { weighTerms } from "./terms.js";
import { slugWords } from "./url-words.js";
import { Vocabulary } from "./vocabulary.js";

export { defaultGrouperOptions, type GrouperOptions } from "./grouper-options.js";

/** Stops at the first visible character: no trimmed copy of every excerpt on the hot path. */
const HAS_TEXT = /\S/u;

/**
 * The online story grouper: each article, in arrival order, joins the most similar story of the
 * window or opens a new one; history is never re-clustered. It knows nothing about the store or
 * Discord, so the CLI, the benchmark and `Stories` all drive the same code.
 *
 * Similarity is the cosine between the article's TF-IDF vector and the story's centroid (the sum of
 * its articles' term weights). Document frequencies count live *stories* (not articles), so a term
 * that one big story repeats stays specific, and they follow the window as stories expire.
 * Candidate stories come from an inverted index over the terms found in few stories; frequent terms
 * only score the candidates found, so one insertion costs the same with 10k or 100k stories in the window.
 */

export interface GroupableArticle {
  id: string;
  title: string;
  excerpt: string;
  /** Milliseconds since the epoch. */
  publishedAt: number;
  /**
   * Identity keys ("url:…", "guid:feed:…"): an article sharing any key with one already placed is
   * the same article, whatever its title says.
   */
  keys?: readonly string[];
  /** The article's link: when it has no excerpt, the headline slug of the URL stands in for one. */
  url?: string;
}

export type Placement =
  | { kind: "created"; story: string; score: number }
  | { kind: "joined"; story: string; score: number }
  /** Same article as one already placed (by id or identity key): it belongs to that story. */
  | { kind: "duplicate"; story: string; score: number };

interface StoryState {
  id: string;
  /** Index into the grouper's story arrays; kept until no posting list refers to the story. */
  slot: number;
  firstSeen: number;
  alive: boolean;
  /** The story's live posting ids: at most `maxCentroidTerms` + one article's terms. */
  centroid: number[];
  keys: string[];
  articles: number;
}

/** Centroid weights are stored multiplied by this and rounded: exact for the default weights (title 1.5, boosts 1.5 and 2: multiples of 0.25). */
const CENTROID_SCALE = 4;

// Fields of a story's record in `storyData`.
const ALIVE = 0;
const MARK = 1;
const ACC = 2;
const FIRST_SEEN = 3;
const NORM = 4;
const RAW_SQUARES = 5;
const STORY_FIELDS = 8;

/** Marks restart before they leave the Int32 range (after a billion calls), with every mark cleared. */
const MAX_MARK = 2 ** 30;

export class Grouper {
  readonly options: GrouperOptions;
  private readonly byId = new Map<string, StoryState>();
  /** Identity key or article id → story. */
  private readonly identities = new Map<string, StoryState>();
  private readonly terms = new Terms();
  private readonly postings = new Postings();
  private readonly vocabulary = new Vocabulary((term) => this.terms.intern(term));
  private readonly vector = new ArticleVector(this.terms);
  private readonly logs = new LogTable();
  /** Each story's word pairs, by story slot (see `GrouperOptions.headlinePairWeight`). */
  private readonly pairs = new PairTables();
  /** Stories in creation order, for eviction. */
  private order: StoryState[] = [];
  private orderHead = 0;
  private latest = Number.NEGATIVE_INFINITY;
  private marks = 0;

  // Stories by slot. `alive` mirrors StoryState.alive for the scan; a dead story's slot is reused only
  // once no posting list refers to it (`references`).
  private readonly storySlots = new SlotAllocator();
  private stories: Array<StoryState | undefined> = [];
  /**
   * Per-story numbers, STORY_FIELDS to a story (one cache line: the scan, the candidate ranking and the
   * scoring read several of them for each story they meet, so one line beats one per array):
   * - ALIVE mirrors StoryState.alive for the scan (1 or 0);
   * - MARK and ACC: scratch of `bestMatch`, the partial dot product of the current article, valid when MARK is its mark;
   * - FIRST_SEEN: the story's first-seen time;
   * - NORM: the norm of the centroid and the story's pairs under the IDF of its last update (IDF drifts
   *   slowly, so it is not recomputed per query);
   * - RAW_SQUARES: the sum of the squares of the centroid's raw (scaled integer) weights (pairs apart), kept exact: with
   *   the frequent query terms' norm it bounds what those terms can add to a candidate's score (see `bestMatch`).
   */
  private storyData = new Float64Array(1024 * STORY_FIELDS);
  private storyReferences = new Int32Array(1024);

  // Scratch of `bestMatch`, reused by every call.
  /** The article's terms found in live stories, rarest first: term id, and weight times IDF. */
  private queryTerms = new Int32Array(64);
  private queryWeights = new Float64Array(64);
  private queryLive = new Int32Array(64);
  /** The article's pairs' weights times their IDF, by position in the vector. */
  private pairQuery = new Float64Array(32);
  /** Stories met while scanning, in order of first sight. */
  private found = new Int32Array(256);
  private candidates: Int32Array;
  private candidateScores: Float64Array;
  /** The frequent terms of the current query (those marked with `Terms.queryMark`). */
  private readonly queryFilter = new TermFilter();
  /** Per vector position: the story's posting for that term, or -1 (scratch of `grow`). */
  private matched = new Int32Array(64);
  private bestStory: StoryState | undefined;
  private bestScore = 0;

  private readonly termIsLive = (term: number): boolean => (this.terms.live[term] as number) > 0;

  /** Scratch of `trim`'s sort. */
  private sortScratch = new Int32Array(256);

  /**
   * Work done so far, for the benchmark: postings read and candidates scored in full. Their growth per
   * article shows, independently of the machine, that the cost does not grow with the window.
   */
  readonly work = { postingsRead: 0, candidatesScored: 0 };

  constructor(options: Partial<GrouperOptions> = {}) {
    this.options = { ...defaultGrouperOptions, ...options };
    this.candidates = new Int32Array(Math.max(1, this.options.maxCandidates));
    this.candidateScores = new Float64Array(Math.max(1, this.options.maxCandidates));
  }

  /** Live stories in the window. */
  get size(): number {
    return this.byId.size;
  }

  storyOf(articleIdOrKey: string): string | undefined {
    return this.identities.get(articleIdOrKey)?.id;
  }

  /** Places one article: evicts what left the window, then joins the best story or opens one. */
  add(article: GroupableArticle): Placement {
    const known = this.findIdentity(article);
    if (known) {
      this.rememberDuplicate(known, article);
      return { kind: "duplicate", story: known.id, score: 1 };
    }
    this.advance(article.publishedAt);
    // Title names are only needed for the cold-start evidence rule (see `coldStories`).
    const cold = this.byId.size < this.options.coldStories;
    this.weigh(article, cold);
    const best = this.bestMatch(article.publishedAt, cold) ? this.bestStory : undefined;
    const score = this.bestScore;
    this.bestStory = undefined;
    if (best && score >= this.thresholdFor(this.vector.size)) {
      this.grow(best);
      this.remember(best, article);
      return { kind: "joined", story: best.id, score };
    }
    const story = this.open(this.options.storyId?.(article) ?? article.id, article.publishedAt);
    this.remember(story, article);
    return { kind: "created", story: story.id, score: best ? score : 0 };
  }

  /**
   * Puts an article into a named story without searching (restoring a window from storage).
   * The story is opened when unknown; its first-seen time is the earliest of its articles.
   */
  attach(storyId: string, article: GroupableArticle, firstSeen = article.publishedAt): void {
    if (this.findIdentity(article)) return;
    this.advance(article.publishedAt);
    this.weigh(article, false);
    let story = this.byId.get(storyId);
    if (story) this.grow(story);
    else story = this.open(storyId, firstSeen);
    this.remember(story, article);
  }

  /** Drops every story first seen before `time`, with its identities and index entries. */
  evictBefore(time: number): string[] {
    const evicted: string[] = [];
    while (this.orderHead < this.order.length) {
      const story = this.order[this.orderHead] as StoryState;
      if (story.alive && story.firstSeen >= time) break;
      this.orderHead++;
      if (story.alive) {
        this.drop(story);
        evicted.push(story.id);
      }
    }
    if (this.orderHead > 1024 && this.orderHead * 2 > this.order.length) {
      this.order = this.order.slice(this.orderHead);
      this.orderHead = 0;
    }
    return evicted;
  }

  /** Forgets one story (e.g. deleted from storage). */
  remove(storyId: string): void {
    const story = this.byId.get(storyId);
    if (story) this.drop(story);
  }

  private findIdentity(article: GroupableArticle): StoryState | undefined {
    const byId = this.identities.get(article.id);
    if (byId) return byId;
    const keys = article.keys;
    if (keys) {
      for (let k = 0; k < keys.length; k++) {
        const story = this.identities.get(keys[k] as string);
        if (story) return story;
      }
    }
    return undefined;
  }

  /**
   * Records the identities of an article that had none known yet (`findIdentity` found nothing), so
   * a key is new unless the article repeats it: one map operation per key.
   */
  private remember(story: StoryState, article: GroupableArticle): void {
    this.rememberNew(story, article.id);
    const keys = article.keys;
    if (keys) for (let k = 0; k < keys.length; k++) this.rememberNew(story, keys[k] as string);
  }

  private rememberNew(story: StoryState, key: string): void {
    const before = this.identities.size;
    this.identities.set(key, story);
    if (this.identities.size !== before) story.keys.push(key);
  }

  /** A duplicate's other identities: keys already known keep the story they name. */
  private rememberDuplicate(story: StoryState, article: GroupableArticle): void {
    for (const key of [article.id, ...(article.keys ?? [])]) {
      if (this.identities.has(key)) continue;
      this.identities.set(key, story);
      story.keys.push(key);
    }
  }

  /** Time only moves forward; stories older than the window behind the newest article are evicted. */
  private advance(time: number): void {
    if (!(time > this.latest)) return;
    this.latest = time;
    this.evictBefore(time - this.options.windowMs);
  }

  /** A fresh mark for the scratch marks of terms and stories (unequal to every mark in use). */
  private nextMark(): number {
    if (this.marks >= MAX_MARK) {
      this.marks = 0;
      this.terms.clearMarks();
      for (let at = MARK; at < this.storyData.length; at += STORY_FIELDS) this.storyData[at] = 0;
    }
    return ++this.marks;
  }

  /** ln(stories + 1 + idfPrior): the first half of every IDF while the window's count stays put. */
  private logStories(): number {
    return Math.log(this.byId.size + 1 + this.options.idfPrior);
  }

  /** ln((stories + 1 + idfPrior) / (df + 1)) + 1, given `logStories()`; ln(df + 1) from the table. */
  private idf(logStories: number, df: number): number {
    return logStories - this.logs.of(df + 1) + 1;
  }

  /**
   * The join rule: the similarity an article with `termCount` distinct terms (pairs not counted) needs
   * to join a story. Short texts (headline-only feeds) share fewer terms with a story, so their bar is lower.
   */
  private thresholdFor(termCount: number): number {
    const { threshold, lengthRef, lengthExponent } = this.options;
    return threshold * Math.min(1, termCount / lengthRef) ** lengthExponent;
  }

  /**
   * Finds the most similar live story in the window (into `bestStory`, `bestScore`; false when there
   * is none) through the inverted index. The article's terms are taken rarest first: those in at most
   * `maxPostings` stories retrieve candidates until `maxScanned` postings have been read; the others
   * only add their share to the `maxCandidates` best candidates. The work per article is bounded by
   * these constants, not by the window.
   */
  private bestMatch(time: number, cold: boolean): boolean {
    const { maxPostings, maxScanned, maxCandidates, windowMs, sublinearTf } = this.options;
    const { terms, vector } = this;
    const mark = this.nextMark();
    const logs = this.logs;
    const logStories = this.logStories();
    if (vector.size > this.queryTerms.length) {
      this.queryTerms = grown(this.queryTerms, vector.size);
      this.queryWeights = grown(this.queryWeights, vector.size);
      this.queryLive = grown(this.queryLive, vector.size);
    }
    if (vector.pairs > this.pairQuery.length) this.pairQuery = grown(this.pairQuery, vector.pairs);
    const queryTerms = this.queryTerms;
    const queryWeights = this.queryWeights;
    const queryLive = this.queryLive;
    let queried = 0;
    let docNorm = 0;
    for (let k = 0; k < vector.size; k++) {
      const term = vector.ids[k] as number;
      const live = terms.live[term] as number;
      const idf = logStories - logs.of(live + 1) + 1;
      const tf = vector.tf[k] as number;
      // Most terms occur once, where 1 + ln(tf) is 1.
      const w = (sublinearTf ? (tf === 1 ? 1 : 1 + Math.log(tf)) : tf) * idf;
      docNorm += w * w;
      if (live === 0) continue;
      // Rarest first, ties in article order (an insertion sort: a few dozen terms, stable).
      let at = queried++;
      while (at > 0 && (queryLive[at - 1] as number) > live) {
        queryTerms[at] = queryTerms[at - 1] as number;
        queryWeights[at] = queryWeights[at - 1] as number;
        queryLive[at] = queryLive[at - 1] as number;
        at--;
      }
      queryTerms[at] = term;
      // w * idf: the article's weight times the IDF that the centroid's raw weight still needs.
      queryWeights[at] = w * idf;
      queryLive[at] = live;
    }

    // Pairs are specific by nature (most are seen once), so each weighs as a term of one story would,
    // and no document frequency is kept for them. Most of an article's pairs weigh the same (a pair
    // rarely repeats), so the logarithm is reused.
    const pairIdf = this.idf(logStories, 1);
    let lastTf = 1;
    let lastW = pairIdf;
    for (let p = 0; p < vector.pairs; p++) {
      const tf = vector.pairTf[p] as number;
      if (tf !== lastTf) {
        lastTf = tf;
        lastW = (sublinearTf ? 1 + Math.log(tf) : tf) * pairIdf;
      }
      docNorm += lastW * lastW;
      this.pairQuery[p] = lastW * pairIdf;
    }

    const storyData = this.storyData;
    let found = 0;
    let scanned = 0;
    let retrieving = 0;
    // Nothing is indexed during the search, so the pool stays put.
    // A posting's story and weight, read from its list (see PostingLists).
    const { owners, weights, start: listStart, length: listLength } = terms.lists;
    for (; retrieving < queried; retrieving++) {
      const term = queryTerms[retrieving] as number;
      const length = listLength[term] as number;
      if ((queryLive[retrieving] as number) > maxPostings || (scanned > 0 && scanned + length > maxScanned)) {
        break;
      }
      scanned += length;
      if (found + length > this.found.length) this.found = grown(this.found, found + length);
      const w = queryWeights[retrieving] as number;
      const first = listStart[term] as number;
      for (let i = first; i < first + length; i++) {
        const story = owners[i] as number;
        const at = story * STORY_FIELDS;
        const weight = weights[i] as number;
        if (weight === 0 || storyData[at + ALIVE] === 0) continue;
        if (storyData[at + MARK] !== mark) {
          storyData[at + MARK] = mark;
          storyData[at + ACC] = 0;
          this.found[found++] = story;
        }
        storyData[at + ACC] = (storyData[at + ACC] as number) + w * weight;
      }
    }
    if (found === 0 && queried > 0) {
      // Only common words: look among the newest stories of the rarest of them.
      const rarest = queryTerms[0] as number;
      const first = listStart[rarest] as number;
      if (this.found.length < maxCandidates) this.found = grown(this.found, maxCandidates);
      for (let i = first + (listLength[rarest] as number) - 1; i >= first && found < maxCandidates; i--) {
        const story = owners[i] as number;
        const at = story * STORY_FIELDS;
        if (storyData[at + ALIVE] === 0 || storyData[at + MARK] === mark) continue;
        storyData[at + MARK] = mark;
        storyData[at + ACC] = 0;
        this.found[found++] = story;
      }
      retrieving = 0;
    }
    const candidates = this.topCandidates(found, maxCandidates, time, windowMs);
    docNorm = Math.sqrt(docNorm);
    this.work.postingsRead += scanned;
    // The frequent terms' share: marked once, then read while walking each candidate's short centroid.
    let frequentSquares = 0;
    for (let k = retrieving; k < queried; k++) {
      const term = queryTerms[k] as number;
      const weight = queryWeights[k] as number;
      terms.queryMark[term] = mark;
      terms.queryWeight[term] = weight;
      this.queryFilter.add(term);
      frequentSquares += weight * weight;
    }
    const withFrequent = retrieving < queried;
    // What the frequent terms can add to a candidate's dot product is at most this times the norm of its
    // raw centroid weights (Cauchy–Schwarz), so a candidate whose score cannot pass the best one's even
    // with that much is not walked: the same best story and score, for less work.
    const frequentNorm = Math.sqrt(frequentSquares);
    // At cold start a candidate must also show enough evidence (see `coldStories`).
    const needName = cold && this.options.nameGuard && vector.hasNames;
    const dateConflictFactor = vector.hasDates ? this.options.dateConflictFactor : 1;
    let best: StoryState | undefined;
    let bestScore = 0;
    for (let c = 0; c < candidates; c++) {
      const story = this.stories[this.candidates[c] as number] as StoryState;
      // The pairs' share first (a few probes of a small table): the bound below is on the rest.
      if (vector.pairs > 0) this.addPairDot(story.slot);
      if (best && this.scoreBound(story.slot, frequentNorm, docNorm) < bestScore) continue;
      this.work.candidatesScored++;
      let score = this.similarity(story, docNorm, withFrequent ? mark : -1);
      if (dateConflictFactor !== 1 && this.namesOtherDates(story)) score *= dateConflictFactor;
      if (cold && !this.enoughEvidence(story, needName)) continue;
      if (!best || score > bestScore) {
        best = story;
        bestScore = score;
      }
    }
    for (let k = retrieving; k < queried; k++) this.queryFilter.remove(queryTerms[k] as number);
    this.bestStory = best;
    this.bestScore = bestScore;
    return best !== undefined;
  }

  /**
   * Cosine between the article and the story's centroid: the dot product gathered by the scan, plus
   * the frequent terms' share (terms marked with `queryMark`; -1 when there are none).
   */
  private similarity(story: StoryState, docNorm: number, queryMark: number): number {
    const at = story.slot * STORY_FIELDS;
    let dot = this.storyData[at + ACC] as number;
    if (queryMark !== -1) {
      const { terms, postings } = this;
      const centroid = story.centroid;
      for (let i = 0; i < centroid.length; i++) {
        const entry = centroid[i] as number;
        const term = postings.term(entry);
        if (this.queryFilter.mayHave(term) && terms.queryMark[term] === queryMark)
          dot += (terms.queryWeight[term] as number) * postings.weight(entry);
      }
    }
    return dot / (docNorm * (this.storyData[at + NORM] as number) || 1);
  }

  /** Adds the dot product of the article's pairs and the story's to the story's partial score. */
  private addPairDot(slot: number): void {
    const { pairs, vector, pairQuery } = this;
    if (pairs.size(slot) === 0) return;
    let dot = 0;
    for (let p = 0; p < vector.pairs; p++) {
      const weight = pairs.weight(slot, vector.pairKeys[p] as number);
      if (weight !== 0) dot += (pairQuery[p] as number) * weight;
    }
    const at = slot * STORY_FIELDS + ACC;
    this.storyData[at] = (this.storyData[at] as number) + dot;
  }

  /**
   * More than `similarity` can return for the story: its dot product so far plus the most the frequent
   * terms can add, over the same norms, with a margin for rounding.
   */
  private scoreBound(slot: number, frequentNorm: number, docNorm: number): number {
    const at = slot * STORY_FIELDS;
    const data = this.storyData;
    const dot = (data[at + ACC] as number) + frequentNorm * Math.sqrt(data[at + RAW_SQUARES] as number);
    return (dot / (docNorm * (data[at + NORM] as number) || 1)) * (1 + 1e-9) + 1e-12;
  }

  /**
   * Whether the story's centroid names dates (years, months), none of them one of the article's. One
   * class for both: sharing a year or a month is enough to count as the same occurrence.
   */
  private namesOtherDates(story: StoryState): boolean {
    const { terms, postings, vector } = this;
    let dates = false;
    for (const entry of story.centroid) {
      const term = postings.term(entry);
      if (terms.date[term] === 0) continue;
      if (vector.has(term)) return false;
      dates = true;
    }
    return dates;
  }

  /** Whether the story shares a title name of the article (when `needName`) and `minSharedTerms` terms. */
  private enoughEvidence(story: StoryState, needName: boolean): boolean {
    const { terms, postings, vector } = this;
    let shared = 0;
    let named = !needName;
    for (const entry of story.centroid) {
      const term = postings.term(entry);
      if (!vector.has(term)) continue;
      shared++;
      if (terms.nameMark[term] === vector.mark) named = true;
    }
    return named && shared >= this.options.minSharedTerms;
  }

  /**
   * Keeps in `candidates` the `k` stories found with the best partial score (dot product so far over
   * the cached norm) that are within the window of `time`: an insertion into a small sorted array,
   * cheaper than sorting every story found. Returns how many.
   */
  private topCandidates(found: number, k: number, time: number, windowMs: number): number {
    const top = this.candidates;
    const scores = this.candidateScores;
    let size = 0;
    for (let f = 0; f < found; f++) {
      const story = this.found[f] as number;
      const at = story * STORY_FIELDS;
      if (!(Math.abs(time - (this.storyData[at + FIRST_SEEN] as number)) <= windowMs)) continue;
      const score = (this.storyData[at + ACC] as number) / ((this.storyData[at + NORM] as number) || 1);
      if (size === k && score <= (scores[k - 1] as number)) continue;
      let i = Math.min(size, k - 1);
      while (i > 0 && (scores[i - 1] as number) < score) {
        top[i] = top[i - 1] as number;
        scores[i] = scores[i - 1] as number;
        i--;
      }
      top[i] = story;
      scores[i] = score;
      if (size < k) size++;
    }
    return size;
  }

  private open(id: string, firstSeen: number): StoryState {
    const existing = this.byId.get(id);
    if (existing) this.drop(existing);
    const slot = this.storySlots.next();
    if (slot >= this.storyReferences.length) {
      const length = slot + 1;
      this.storyData = grown(this.storyData, length * STORY_FIELDS);
      this.storyReferences = grown(this.storyReferences, length);
    }
    const story: StoryState = { id, slot, firstSeen, alive: true, centroid: [], keys: [], articles: 0 };
    this.stories[slot] = story;
    const at = slot * STORY_FIELDS;
    this.storyData.fill(0, at, at + STORY_FIELDS);
    this.storyData[at + ALIVE] = 1;
    this.storyData[at + FIRST_SEEN] = firstSeen;
    this.storyReferences[slot] = 0;
    this.byId.set(id, story);
    this.order.push(story);
    this.grow(story);
    return story;
  }

  /** Adds the current article's terms (`vector`) to the story's centroid. */
  private grow(story: StoryState): void {
    const { terms, postings, vector } = this;
    const logStories = this.logStories();
    story.articles++;
    const at = story.slot * STORY_FIELDS;
    const norm = this.storyData[at + NORM] as number;
    let normSquared = norm * norm;
    let rawSquares = this.storyData[at + RAW_SQUARES] as number;
    // The story's postings of the article's terms, found by one walk of the (short) centroid.
    if (this.matched.length < vector.size) this.matched = grown(this.matched, vector.size);
    const matched = this.matched;
    matched.fill(-1, 0, vector.size);
    for (const entry of story.centroid) {
      const term = postings.term(entry);
      if (vector.has(term)) matched[terms.vectorSlot[term] as number] = entry;
    }
    for (let k = 0; k < vector.size; k++) {
      const term = vector.ids[k] as number;
      const raw = vector.tf[k] as number;
      // Centroids are stored as small integers (exact in the Float64Array); cosine is scale-free, so
      // the factor does not change any score.
      const weight = Math.max(1, Math.round(raw * CENTROID_SCALE));
      const entry = matched[k] as number;
      if (entry !== -1) {
        const old = postings.weight(entry);
        const idf = this.idf(logStories, terms.live[term] as number);
        normSquared += ((old + weight) ** 2 - old ** 2) * idf * idf;
        rawSquares += (old + weight) ** 2 - old ** 2;
        this.setWeight(entry, old + weight);
      } else {
        this.index(term, story, weight);
        normSquared += (weight * this.idf(logStories, terms.live[term] as number)) ** 2;
        rawSquares += weight * weight;
      }
    }
    let trimmed = story.centroid.length > this.options.maxCentroidTerms;
    if (trimmed) this.trim(story);
    if (vector.pairs > 0) {
      normSquared += this.addPairs(story, logStories);
      if (this.pairs.size(story.slot) > this.options.maxCentroidPairs) {
        // Down to half the cap, so a growing story is not re-sorted on every article.
        this.pairs.trim(story.slot, Math.floor(this.options.maxCentroidPairs / 2));
        trimmed = true;
      }
    }
    // Updated incrementally, with the IDF of the terms this article touched; recomputed in full every
    // 8 articles (and after a trim) so drift of the other terms' IDF is caught up.
    if (story.articles % 8 === 0 || trimmed) {
      normSquared = 0;
      rawSquares = 0;
      for (const entry of story.centroid) {
        const weight = postings.weight(entry);
        normSquared += (weight * this.idf(logStories, terms.live[postings.term(entry)] as number)) ** 2;
        rawSquares += weight * weight;
      }
      normSquared += this.pairs.squares(story.slot) * this.idf(logStories, 1) ** 2;
    }
    this.storyData[at + NORM] = Math.sqrt(Math.max(0, normSquared));
    this.storyData[at + RAW_SQUARES] = rawSquares;
  }

  /**
   * Adds the article's pairs to the story's; returns how much the square of the story's norm grew.
   * Pairs stay out of `RAW_SQUARES`: `bestMatch` adds their share before it bounds the rest.
   */
  private addPairs(story: StoryState, logStories: number): number {
    const { pairs, vector } = this;
    const pairIdf = this.idf(logStories, 1);
    let grew = 0;
    pairs.reserve(story.slot, vector.pairs);
    for (let p = 0; p < vector.pairs; p++) {
      const weight = Math.max(1, Math.round((vector.pairTf[p] as number) * CENTROID_SCALE));
      const old = pairs.add(story.slot, vector.pairKeys[p] as number, weight);
      grew += ((old + weight) ** 2 - old ** 2) * pairIdf * pairIdf;
    }
    return grew;
  }

  /** Keeps the heaviest centroid terms; the dropped ones leave the index for this story. */
  private trim(story: StoryState): void {
    const sorted = story.centroid;
    if (this.sortScratch.length < sorted.length) this.sortScratch = grown(this.sortScratch, sorted.length);
    sortHeavierFirst(sorted, this.postings, this.sortScratch);
    // Down to three quarters of the cap, so a growing story is not re-sorted on every article.
    const keep = Math.floor(this.options.maxCentroidTerms * 0.75);
    for (let i = keep; i < sorted.length; i++) {
      const entry = sorted[i] as number;
      this.setWeight(entry, 0);
      this.unindex(entry);
    }
    sorted.length = Math.min(sorted.length, keep);
  }

  private index(term: number, story: StoryState, weight: number): void {
    const entry = this.postings.add(story.slot, term, weight);
    this.storyReferences[story.slot] = (this.storyReferences[story.slot] as number) + 1;
    this.terms.lists.push(term, entry, story.slot, weight);
    this.terms.live[term] = (this.terms.live[term] as number) + 1;
    story.centroid.push(entry);
  }

  /** Lowers the live count; the dead entry stays in the posting list until compaction removes it. */
  private unindex(entry: number): void {
    const { terms, postings } = this;
    const term = postings.term(entry);
    const live = (terms.live[term] as number) - 1;
    const lists = terms.lists;
    const first = lists.start[term] as number;
    const length = lists.length[term] as number;
    if (live <= 0) {
      terms.live[term] = 0;
      for (let i = first; i < first + length; i++) this.release(lists.pool[i] as number);
      lists.clear(term);
    } else {
      terms.live[term] = live;
      // In place, oldest first as before.
      if (length > 2 * live + 16) lists.compact(term, this.postingIsLive, this.releasePosting);
    }
  }

  /** A posting's weight, in its record and in its posting list's copy (see PostingLists). */
  private setWeight(entry: number, weight: number): void {
    this.postings.setWeight(entry, weight);
    this.terms.lists.setWeight(entry, weight);
  }

  private readonly postingIsLive = (_entry: number, owner: number, weight: number): boolean =>
    weight !== 0 && this.storyData[owner * STORY_FIELDS + ALIVE] === 1;
  private readonly releasePosting = (entry: number): void => this.release(entry);

  /** A posting left its list: its id can be reused, and its story's slot once no list refers to it. */
  private release(entry: number): void {
    const slot = this.postings.story(entry);
    this.postings.release(entry);
    const references = (this.storyReferences[slot] as number) - 1;
    this.storyReferences[slot] = references;
    if (references === 0 && this.storyData[slot * STORY_FIELDS + ALIVE] === 0) this.releaseStory(slot);
  }

  private releaseStory(slot: number): void {
    this.stories[slot] = undefined;
    this.storySlots.release(slot);
  }

  /**
   * Bounds the vocabulary: forgets the tokens not used again, and the records of terms no live story
   * contains. Run only between articles, so no term of an article being placed can be swept.
   */
  private boundVocabulary(): void {
    if (this.vocabulary.size <= this.options.maxVocabulary) return;
    // Tokens kept must keep their term ids, so only those whose terms are in a live story (which the
    // sweep keeps) are candidates.
    this.vocabulary.prune(Math.floor(this.options.maxVocabulary / 2), this.termIsLive);
    this.terms.sweep();
  }

  /**
   * Weighs the article's terms into `vector` (and marks its title names when `withNames`). A
   * headline-only article (no excerpt) is weighed on its title and its URL's headline slug, with
   * their word pairs (see `headlinePairWeight`).
   */
  private weigh(article: GroupableArticle, withNames: boolean): void {
    this.boundVocabulary();
    this.vector.reset(this.nextMark());
    const { options } = this;
    if (HAS_TEXT.test(article.excerpt)) {
      weighTerms(article.title, article.excerpt, options, this.vocabulary, this.vector, withNames);
    } else {
      const slug = slugWords(article.url);
      weighTerms(article.title, slug, options, this.vocabulary, this.vector, withNames, options.headlinePairWeight);
    }
  }

  private drop(story: StoryState): void {
    story.alive = false;
    this.storyData[story.slot * STORY_FIELDS + ALIVE] = 0;
    this.byId.delete(story.id);
    for (const key of story.keys) if (this.identities.get(key) === story) this.identities.delete(key);
    for (const entry of story.centroid) this.unindex(entry);
    story.centroid = [];
    this.pairs.clear(story.slot);
    if (this.storyReferences[story.slot] === 0 && this.stories[story.slot] === story) this.releaseStory(story.slot);
  }
}
