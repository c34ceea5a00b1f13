import { articleTerms, defaultTermOptions, type TermOptions, type TermWeights } from "./terms.js";

/**
 * The online story grouper: each article, in arrival order, joins the most similar story of the
 * window or opens a new one; history is never re-clustered. It knows nothing about the store or
 * Discord, so the CLI, the benchmark and `Stories` all drive the same code.
 *
 * Similarity is the cosine between the article's TF-IDF vector and the story's centroid (the sum of
 * its articles' term weights). Document frequencies count live *stories* (not articles), so a term
 * that one big story repeats stays specific, and they follow the window as stories expire.
 * Candidate stories come from an inverted index; each term scans at most `maxPostings` of its most
 * recent stories, so one insertion costs the same with 10k or 100k stories in the window.
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
  /** Postings scanned per term, newest first: bounds the cost of frequent terms. */
  maxPostings: number;
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
  /** Id for a story opened by this article; defaults to the article's id. */
  storyId?: (article: GroupableArticle) => string;
}

export const defaultGrouperOptions: GrouperOptions = {
  ...defaultTermOptions,
  windowMs: 72 * 3_600_000,
  titleWeight: 1,
  nameBoost: 2,
  threshold: 0.3,
  lengthRef: 40,
  lengthExponent: 0.6,
  sublinearTf: true,
  maxPostings: 256,
  maxCentroidTerms: 200,
};

interface StoryState {
  slot: number;
  id: string;
  firstSeen: number;
  centroid: TermWeights;
  /** Centroid norm under the IDF of its last update; IDF drifts slowly, so it is not recomputed per query. */
  norm: number;
  articles: number;
  keys: string[];
  /** Terms trimmed from the centroid; not re-added, so a posting never lists a story twice. */
  trimmed?: Set<string>;
}

export class Grouper {
  readonly options: GrouperOptions;
  private readonly stories = new Map<number, StoryState>();
  private readonly byId = new Map<string, StoryState>();
  /** Identity key or article id → story. */
  private readonly identities = new Map<string, StoryState>();
  /** Term → slots of the stories containing it, oldest first; may hold dead slots until compacted. */
  private readonly postings = new Map<string, number[]>();
  /** Term → number of live stories containing it. */
  private readonly df = new Map<string, number>();
  /** Slots in creation order, for eviction. */
  private readonly order: number[] = [];
  private orderHead = 0;
  private nextSlot = 0;
  private latest = Number.NEGATIVE_INFINITY;

  constructor(options: Partial<GrouperOptions> = {}) {
    this.options = { ...defaultGrouperOptions, ...options };
  }

  /** Live stories in the window. */
  get size(): number {
    return this.stories.size;
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
    const terms = articleTerms(article.title, article.excerpt, this.options);
    const best = this.bestMatch(terms, article.publishedAt);
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
    const terms = articleTerms(article.title, article.excerpt, this.options);
    let story = this.byId.get(storyId);
    if (story) this.grow(story, terms);
    else story = this.open(storyId, firstSeen, terms);
    this.remember(story, article);
  }

  /** Drops every story first seen before `time`, with its identities and index entries. */
  evictBefore(time: number): string[] {
    const evicted: string[] = [];
    while (this.orderHead < this.order.length) {
      const slot = this.order[this.orderHead] as number;
      const story = this.stories.get(slot);
      if (story && story.firstSeen >= time) break;
      this.orderHead++;
      if (story) {
        this.drop(story);
        evicted.push(story.id);
      }
    }
    if (this.orderHead > 1024 && this.orderHead * 2 > this.order.length) {
      this.order.splice(0, this.orderHead);
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

  private idf(term: string): number {
    return Math.log((this.stories.size + 1) / ((this.df.get(term) ?? 0) + 1)) + 1;
  }

  private thresholdFor(terms: TermWeights): number {
    const { threshold, lengthRef, lengthExponent } = this.options;
    return threshold * Math.min(1, terms.size / lengthRef) ** lengthExponent;
  }

  /** The most similar live story in the window, found through the inverted index. */
  private bestMatch(terms: TermWeights, time: number): { story: StoryState; score: number } | undefined {
    const { maxPostings, windowMs, sublinearTf } = this.options;
    const dots = new Map<number, number>();
    let docNorm = 0;
    for (const [term, tf] of terms) {
      const idf = this.idf(term);
      const w = (sublinearTf ? 1 + Math.log(tf) : tf) * idf;
      docNorm += w * w;
      const posting = this.postings.get(term);
      if (!posting) continue;
      const stop = Math.max(0, posting.length - maxPostings);
      for (let i = posting.length - 1; i >= stop; i--) {
        const slot = posting[i] as number;
        const c = this.stories.get(slot)?.centroid.get(term);
        if (c !== undefined) dots.set(slot, (dots.get(slot) ?? 0) + w * c * idf);
      }
    }
    docNorm = Math.sqrt(docNorm);
    let best: { story: StoryState; score: number } | undefined;
    for (const [slot, dot] of dots) {
      const story = this.stories.get(slot) as StoryState;
      if (Math.abs(time - story.firstSeen) > windowMs) continue;
      const score = dot / (docNorm * story.norm || 1);
      if (!best || score > best.score) best = { story, score };
    }
    return best;
  }

  private open(id: string, firstSeen: number, terms: TermWeights): StoryState {
    const existing = this.byId.get(id);
    if (existing) this.drop(existing);
    const story: StoryState = {
      slot: this.nextSlot++,
      id,
      firstSeen,
      centroid: new Map(),
      norm: 0,
      articles: 0,
      keys: [],
    };
    this.stories.set(story.slot, story);
    this.byId.set(id, story);
    this.order.push(story.slot);
    this.grow(story, terms);
    return story;
  }

  private grow(story: StoryState, terms: TermWeights): void {
    for (const [term, weight] of terms) {
      if (story.trimmed?.has(term)) continue;
      const had = story.centroid.get(term);
      story.centroid.set(term, (had ?? 0) + weight);
      if (had === undefined) this.index(term, story.slot);
    }
    story.articles++;
    if (story.centroid.size > this.options.maxCentroidTerms) this.trim(story);
    let norm = 0;
    for (const [term, c] of story.centroid) {
      const w = c * this.idf(term);
      norm += w * w;
    }
    story.norm = Math.sqrt(norm);
  }

  /** Keeps the heaviest centroid terms; the dropped ones leave the index for this story. */
  private trim(story: StoryState): void {
    const sorted = [...story.centroid].sort((a, b) => b[1] - a[1]);
    for (const [term] of sorted.slice(this.options.maxCentroidTerms)) {
      story.centroid.delete(term);
      story.trimmed ??= new Set();
      story.trimmed.add(term);
      this.unindex(term);
    }
  }

  private index(term: string, slot: number): void {
    let posting = this.postings.get(term);
    if (!posting) {
      posting = [];
      this.postings.set(term, posting);
    }
    posting.push(slot);
    this.df.set(term, (this.df.get(term) ?? 0) + 1);
  }

  /** Lowers the live count; the dead slot stays in the posting until compaction skips it. */
  private unindex(term: string): void {
    const n = (this.df.get(term) ?? 1) - 1;
    if (n <= 0) {
      this.df.delete(term);
      this.postings.delete(term);
      return;
    }
    this.df.set(term, n);
    const posting = this.postings.get(term);
    if (posting && posting.length > 2 * n + 16) {
      this.postings.set(
        term,
        posting.filter((slot) => this.stories.get(slot)?.centroid.has(term)),
      );
    }
  }

  private drop(story: StoryState): void {
    this.stories.delete(story.slot);
    this.byId.delete(story.id);
    for (const key of story.keys) if (this.identities.get(key) === story) this.identities.delete(key);
    for (const term of story.centroid.keys()) this.unindex(term);
  }
}
