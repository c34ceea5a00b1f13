import { defaultTermOptions, type TermOptions, Vocabulary, weighTerms } from "./terms.js";

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
}

export type Placement =
  | { kind: "created"; story: string; score: number }
  | { kind: "joined"; story: string; score: number }
  /** Same article as one already placed (by id or identity key): it belongs to that story. */
  | { kind: "duplicate"; story: string; score: number };

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
  /** Distinct tokens remembered before the vocabulary is cleared (and terms of no live story forgotten). */
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
  maxVocabulary: 100_000,
  nameGuard: true,
  coldStories: 60,
  minSharedTerms: 2,
  idfPrior: 100,
};

/**
 * One story's weight for one term, shared by the story's centroid and the term's posting list, so a
 * scan reads the weight straight from the posting instead of probing each story's centroid map
 * (that probe, a cache miss per story, was most of the cost of an insertion).
 */
interface Posting {
  story: StoryState;
  /** Sum of the story's articles' weights for the term; 0 once trimmed from the centroid. */
  weight: number;
  term: TermIndex;
}

/**
 * A term: its posting list and document frequency (live stories containing it). The grouper's
 * vocabulary maps each token straight to these records, so an article's terms need no further lookup.
 */
interface TermIndex {
  term: string;
  live: number;
  /** Oldest first; dead entries (trimmed, or of expired stories) stay until compaction. */
  entries: Posting[];
  /**
   * Scratch space, so centroids need no map: `grow` marks the story's terms with their postings,
   * `bestMatch` marks the article's frequent terms with their weights; a mark is valid for one call.
   */
  mark: number;
  slot: Posting | undefined;
  queryMark: number;
  queryWeight: number;
  /** Marked when the term is one of the current article's title names. */
  nameMark: number;
  /** Marked when the term is one of the current article's terms. */
  articleMark: number;
}

interface StoryState {
  id: string;
  firstSeen: number;
  alive: boolean;
  /** The story's live postings: at most `maxCentroidTerms` + one article's terms. */
  centroid: Posting[];
  /** Centroid norm under the IDF of its last update; IDF drifts slowly, so it is not recomputed per query. */
  norm: number;
  keys: string[];
  articles: number;
  /** Scratch space of `bestMatch`: the partial dot product of the current article, valid when `mark` is its number. */
  acc: number;
  mark: number;
}

/** An article's weighted terms. */
type Vector = Map<TermIndex, number>;

/** Shared by every term without postings; replaced (never pushed into) when a story first uses the term. */
const NO_POSTINGS: Posting[] = [];

/** Centroid weights are stored multiplied by this and rounded: exact for the default weights (title 1.5, boosts 1.5 and 2: multiples of 0.25). */
const CENTROID_SCALE = 4;

export class Grouper {
  readonly options: GrouperOptions;
  private readonly byId = new Map<string, StoryState>();
  /** Identity key or article id → story. */
  private readonly identities = new Map<string, StoryState>();
  /** Term → its record; a record with no live story is swept when the vocabulary is cleared. */
  private readonly terms = new Map<string, TermIndex>();
  private readonly vocabulary = new Vocabulary<TermIndex>((term) => this.termIndex(term));
  /** Stories in creation order, for eviction. */
  private order: StoryState[] = [];
  private orderHead = 0;
  private latest = Number.NEGATIVE_INFINITY;
  private queries = 0;
  private stamp = 0;
  /**
   * Work done so far, for the benchmark: postings read and candidates scored in full. Their growth per
   * article shows, independently of the machine, that the cost does not grow with the window.
   */
  readonly work = { postingsRead: 0, candidatesScored: 0 };

  constructor(options: Partial<GrouperOptions> = {}) {
    this.options = { ...defaultGrouperOptions, ...options };
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
      this.remember(known, article);
      return { kind: "duplicate", story: known.id, score: 1 };
    }
    this.advance(article.publishedAt);
    // Title names are only needed for the cold-start evidence rule.
    const names = this.byId.size < this.options.coldStories ? new Set<TermIndex>() : undefined;
    const terms = this.vector(article, names);
    const best = this.bestMatch(terms, article.publishedAt, names);
    if (best && best.score >= this.thresholdFor(terms)) {
      this.grow(best.story, terms);
      this.remember(best.story, article);
      return { kind: "joined", story: best.story.id, score: best.score };
    }
    const story = this.open(this.options.storyId?.(article) ?? article.id, article.publishedAt, terms);
    this.remember(story, article);
    return { kind: "created", story: story.id, score: best?.score ?? 0 };
  }

  /**
   * Puts an article into a named story without searching (restoring a window from storage).
   * The story is opened when unknown; its first-seen time is the earliest of its articles.
   */
  attach(storyId: string, article: GroupableArticle, firstSeen = article.publishedAt): void {
    if (this.findIdentity(article)) return;
    this.advance(article.publishedAt);
    const terms = this.vector(article);
    let story = this.byId.get(storyId);
    if (story) this.grow(story, terms);
    else story = this.open(storyId, firstSeen, terms);
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
    for (const key of article.keys ?? []) {
      const story = this.identities.get(key);
      if (story) return story;
    }
    return undefined;
  }

  private remember(story: StoryState, article: GroupableArticle): void {
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

  private idf(df: number): number {
    return Math.log((this.byId.size + 1 + this.options.idfPrior) / (df + 1)) + 1;
  }

  private thresholdFor(terms: Vector): number {
    const { threshold, lengthRef, lengthExponent } = this.options;
    return threshold * Math.min(1, terms.size / lengthRef) ** lengthExponent;
  }

  /**
   * The most similar live story in the window, found through the inverted index. The article's terms
   * are taken rarest first: those in at most `maxPostings` stories retrieve candidates until
   * `maxScanned` postings have been read; the others only add their share to the `maxCandidates`
   * best candidates. The work per article is bounded by these constants, not by the window.
   */
  private bestMatch(
    terms: Vector,
    time: number,
    names?: ReadonlySet<TermIndex>,
  ): { story: StoryState; score: number } | undefined {
    const { maxPostings, maxScanned, maxCandidates, windowMs, sublinearTf } = this.options;
    const mark = ++this.queries;
    const total = this.byId.size + 1 + this.options.idfPrior;
    const weighted: Array<{ w: number; index: TermIndex }> = [];
    let docNorm = 0;
    for (const [index, tf] of terms) {
      const idf = Math.log(total / (index.live + 1)) + 1;
      const w = (sublinearTf ? 1 + Math.log(tf) : tf) * idf;
      docNorm += w * w;
      // w * idf: the article's weight times the IDF that the centroid's raw weight still needs.
      if (index.live > 0) weighted.push({ w: w * idf, index });
    }
    weighted.sort((a, b) => a.index.live - b.index.live);
    const found: StoryState[] = [];
    let scanned = 0;
    let retrieving = 0;
    for (; retrieving < weighted.length; retrieving++) {
      const { w, index } = weighted[retrieving] as { w: number; index: TermIndex };
      const posting = index.entries;
      if (index.live > maxPostings || (scanned > 0 && scanned + posting.length > maxScanned)) break;
      scanned += posting.length;
      for (const entry of posting) {
        const story = entry.story;
        if (entry.weight === 0 || !story.alive) continue;
        if (story.mark !== mark) {
          story.mark = mark;
          story.acc = 0;
          found.push(story);
        }
        story.acc += w * entry.weight;
      }
    }
    if (found.length === 0 && weighted.length > 0) {
      // Only common words: look among the newest stories of the rarest of them.
      const posting = (weighted[0] as { index: TermIndex }).index.entries;
      for (let i = posting.length - 1; i >= 0 && found.length < maxCandidates; i--) {
        const story = (posting[i] as Posting).story;
        if (!story.alive || story.mark === mark) continue;
        story.mark = mark;
        story.acc = 0;
        found.push(story);
      }
      retrieving = 0;
    }
    const candidates = topCandidates(found, maxCandidates, (story) => Math.abs(time - story.firstSeen) <= windowMs);
    docNorm = Math.sqrt(docNorm);
    this.work.postingsRead += scanned;
    this.work.candidatesScored += candidates.length;
    let best: { story: StoryState; score: number } | undefined;
    // The frequent terms' share: marked once, then read while walking each candidate's short centroid.
    for (let k = retrieving; k < weighted.length; k++) {
      const { index, w } = weighted[k] as { index: TermIndex; w: number };
      index.queryMark = mark;
      index.queryWeight = w;
    }
    // At cold start a candidate must also show enough evidence (see `coldStories`).
    const cold = names !== undefined && this.byId.size < this.options.coldStories;
    const guardNames = cold && this.options.nameGuard && names.size > 0;
    if (cold) {
      for (const name of names) name.nameMark = mark;
      for (const term of terms.keys()) term.articleMark = mark;
    }
    for (const story of candidates) {
      let dot = story.acc;
      if (retrieving < weighted.length) {
        for (const entry of story.centroid)
          if (entry.term.queryMark === mark) dot += entry.term.queryWeight * entry.weight;
      }
      const score = dot / (docNorm * story.norm || 1);
      if (cold && !this.enoughEvidence(story, mark, guardNames)) continue;
      if (!best || score > best.score) best = { story, score };
    }
    return best;
  }

  /** Whether the story shares a title name of the article (when it has any) and `minSharedTerms` terms. */
  private enoughEvidence(story: StoryState, mark: number, needName: boolean): boolean {
    let shared = 0;
    let named = !needName;
    for (const entry of story.centroid) {
      if (entry.term.articleMark !== mark) continue;
      shared++;
      if (entry.term.nameMark === mark) named = true;
    }
    return named && shared >= this.options.minSharedTerms;
  }

  private open(id: string, firstSeen: number, terms: Vector): StoryState {
    const existing = this.byId.get(id);
    if (existing) this.drop(existing);
    const story: StoryState = {
      id,
      firstSeen,
      alive: true,
      centroid: [],
      norm: 0,
      keys: [],
      articles: 0,
      acc: 0,
      mark: 0,
    };
    this.byId.set(id, story);
    this.order.push(story);
    this.grow(story, terms);
    return story;
  }

  private grow(story: StoryState, terms: Vector): void {
    story.articles++;
    let normSquared = story.norm * story.norm;
    const mark = ++this.stamp;
    for (const entry of story.centroid) {
      entry.term.mark = mark;
      entry.term.slot = entry;
    }
    for (const [term, raw] of terms) {
      // Centroids are stored as small integers (V8 keeps them unboxed: no heap number per posting);
      // cosine is scale-free, so the factor does not change any score.
      const weight = Math.max(1, Math.round(raw * CENTROID_SCALE));
      const entry = term.mark === mark ? term.slot : undefined;
      if (entry) {
        const idf = this.idf(entry.term.live);
        normSquared += ((entry.weight + weight) ** 2 - entry.weight ** 2) * idf * idf;
        entry.weight += weight;
      } else {
        normSquared += (weight * this.idf(this.index(term, story, weight).term.live)) ** 2;
      }
    }
    for (const entry of story.centroid) entry.term.slot = undefined; // no stale reference keeps a dead story
    const trimmed = story.centroid.length > this.options.maxCentroidTerms;
    if (trimmed) this.trim(story);
    // Updated incrementally, with the IDF of the terms this article touched; recomputed in full every
    // 8 articles (and after a trim) so drift of the other terms' IDF is caught up.
    if (story.articles % 8 === 0 || trimmed) {
      normSquared = 0;
      for (const entry of story.centroid) normSquared += (entry.weight * this.idf(entry.term.live)) ** 2;
    }
    story.norm = Math.sqrt(Math.max(0, normSquared));
  }

  /** Keeps the heaviest centroid terms; the dropped ones leave the index for this story. */
  private trim(story: StoryState): void {
    const sorted = story.centroid.sort((a, b) => b.weight - a.weight);
    // Down to three quarters of the cap, so a growing story is not re-sorted on every article.
    const keep = Math.floor(this.options.maxCentroidTerms * 0.75);
    for (const entry of sorted.slice(keep)) {
      entry.weight = 0;
      this.unindex(entry);
    }
    story.centroid = sorted.slice(0, keep);
  }

  /** The record of a term (created on first sight, with no postings yet). */
  private termIndex(term: string): TermIndex {
    let index = this.terms.get(term);
    if (!index) {
      index = {
        term,
        live: 0,
        entries: NO_POSTINGS,
        mark: 0,
        slot: undefined,
        queryMark: 0,
        queryWeight: 0,
        nameMark: 0,
        articleMark: 0,
      };
      this.terms.set(term, index);
    }
    return index;
  }

  private index(index: TermIndex, story: StoryState, weight: number): Posting {
    const entry: Posting = { story, weight, term: index };
    // Most terms stay in one story: a one-element literal, not an empty array grown by push (which
    // reserves 17 slots), keeps the index of a 100k-article window within budget.
    if (index.entries.length === 0) index.entries = [entry];
    else index.entries.push(entry);
    index.live++;
    story.centroid.push(entry);
    return entry;
  }

  /** Lowers the live count; the dead entry stays in the posting until compaction removes it. */
  private unindex(entry: Posting): void {
    const index = entry.term;
    index.live--;
    if (index.live <= 0) {
      index.live = 0;
      index.entries = NO_POSTINGS;
    } else if (index.entries.length > 2 * index.live + 16) {
      index.entries = index.entries.filter((e) => e.weight !== 0 && e.story.alive);
    }
  }

  /**
   * Bounds the vocabulary: forgets its tokens, and the records of terms no live story contains. Run
   * only between articles, so no record of an article being placed can be swept.
   */
  private boundVocabulary(): void {
    if (this.vocabulary.size <= this.options.maxVocabulary) return;
    this.vocabulary.clear();
    for (const [term, index] of this.terms) if (index.live === 0) this.terms.delete(term);
  }

  private vector(article: GroupableArticle, titleNames?: Set<TermIndex>): Vector {
    this.boundVocabulary();
    return weighTerms(article.title, article.excerpt, this.options, this.vocabulary, titleNames);
  }

  private drop(story: StoryState): void {
    story.alive = false;
    this.byId.delete(story.id);
    for (const key of story.keys) if (this.identities.get(key) === story) this.identities.delete(key);
    for (const entry of story.centroid) this.unindex(entry);
  }
}

/**
 * The `k` stories with the best partial score (dot product so far over the cached norm) that pass the
 * filter: an insertion into a small sorted array, cheaper than sorting every story found.
 */
function topCandidates(found: StoryState[], k: number, keep: (story: StoryState) => boolean): StoryState[] {
  const top: StoryState[] = [];
  const scores: number[] = [];
  for (const story of found) {
    if (!keep(story)) continue;
    const score = story.acc / (story.norm || 1);
    if (top.length === k && score <= (scores[k - 1] as number)) continue;
    let i = Math.min(top.length, k - 1);
    while (i > 0 && (scores[i - 1] as number) < score) {
      top[i] = top[i - 1] as StoryState;
      scores[i] = scores[i - 1] as number;
      i--;
    }
    top[i] = story;
    scores[i] = score;
  }
  return top;
}
