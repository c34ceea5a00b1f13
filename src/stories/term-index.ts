import { PostingLists } from "./posting-lists.js";
import { grown, SlotAllocator } from "./slots.js";
import { hashOf } from "./token-hash.js";

/*
 * Data layout. The window holds millions of (story, term, weight) postings; as objects they were most
 * of the heap, and each scan chased pointers from posting to story to term, a cache miss each, while
 * the young-generation GC copied and promoted every new posting. So postings, terms and stories are
 * small integers indexing typed arrays (struct of arrays): a posting is a slot in `Postings`, a term an
 * id in `Terms`, a story a slot in the grouper's story arrays. Only a story's id, identity keys and
 * centroid (its posting ids) stay in an object, and posting lists share one pool (`PostingLists`).
 */

/**
 * Terms that date an event: a year (1900–2099), or a month's name as the tokenizer leaves it (stemmed,
 * or abbreviated; "may" is a stopword, and "march" the verb is taken for the month: the rule it feeds is soft).
 */
const DATE =
  /^(?:(?:19|20)\d\d|januari|februari|march|april|june|juli|august|septemb|octob|novemb|decemb|jan|feb|sept|dec)$/u;

/**
 * The terms of the window: document frequency, posting list and per-call scratch marks, by term id.
 * The grouper's vocabulary maps each token straight to term ids, so an article's terms need no further
 * lookup; `intern` runs only for a token the vocabulary has not seen (or forgot).
 */
export class Terms {
  // Term text → id: an open-addressing table (slot: id + 1, 0 empty) rather than a Map, which hashed
  // and compared each new stem in the runtime.
  private table = new Int32Array(1024);
  private tableHashes = new Int32Array(1024);
  private texts: Array<string | undefined> = [];
  private hashes: number[] = [];
  private count = 0;
  private readonly slots = new SlotAllocator();
  /** Document frequency: live stories whose centroid holds the term. */
  live = new Int32Array(1024);
  /** Posting ids, oldest first; dead ones (trimmed, or of expired stories) stay until compaction. */
  readonly lists = new PostingLists();
  /**
   * Scratch space, so articles need no map: a mark is valid for one call (see `Grouper.nextMark`).
   * The article's vector marks its terms with their position (`vectorMark`, `vectorSlot`) and its
   * title names (`nameMark`); `bestMatch` marks the frequent terms with their query weight.
   */
  vectorMark = new Int32Array(1024);
  vectorSlot = new Int32Array(1024);
  nameMark = new Int32Array(1024);
  queryMark = new Int32Array(1024);
  queryWeight = new Float64Array(1024);
  /** 1 for a term that dates an event (a year or a month: `DATE`), for `GrouperOptions.dateConflictFactor`. */
  date = new Uint8Array(1024);

  /** The id of a term (created on first sight, with no postings yet). */
  intern(term: string): number {
    const h = hashOf(term);
    const mask = this.table.length - 1;
    let i = h & mask;
    for (; this.table[i] !== 0; i = (i + 1) & mask) {
      const id = (this.table[i] as number) - 1;
      if (this.tableHashes[i] === h && this.texts[id] === term) return id;
    }
    const id = this.slots.next();
    if (id >= this.live.length) this.resize(id + 1);
    this.live[id] = 0;
    this.lists.clear(id);
    this.vectorMark[id] = 0;
    this.nameMark[id] = 0;
    this.queryMark[id] = 0;
    this.texts[id] = term;
    this.date[id] = DATE.test(term) ? 1 : 0;
    this.hashes[id] = h;
    this.count++;
    // At most half full, so probe runs stay short.
    if (this.count * 2 > this.table.length) this.rebuild(this.table.length * 2);
    else {
      this.table[i] = id + 1;
      this.tableHashes[i] = h;
    }
    return id;
  }

  /** The hash of a term's text: the same text always has the same hash, whatever its id. */
  hash(id: number): number {
    return this.hashes[id] as number;
  }

  /** Forgets the terms no live story contains (their ids are reused). */
  sweep(): void {
    for (let i = 0; i < this.table.length; i++) {
      const id = (this.table[i] as number) - 1;
      if (id < 0 || this.live[id] !== 0) continue;
      this.texts[id] = undefined;
      this.slots.release(id);
      this.count--;
    }
    let capacity = this.table.length;
    while (capacity > 1024 && this.count * 8 < capacity) capacity /= 2;
    this.rebuild(capacity);
  }

  clearMarks(): void {
    this.vectorMark.fill(0);
    this.nameMark.fill(0);
    this.queryMark.fill(0);
  }

  private rebuild(capacity: number): void {
    const table = new Int32Array(capacity);
    const tableHashes = new Int32Array(capacity);
    const mask = capacity - 1;
    for (let id = 0; id < this.texts.length; id++) {
      if (this.texts[id] === undefined) continue;
      const h = this.hashes[id] as number;
      let i = h & mask;
      while (table[i] !== 0) i = (i + 1) & mask;
      table[i] = id + 1;
      tableHashes[i] = h;
    }
    this.table = table;
    this.tableHashes = tableHashes;
  }

  private resize(length: number): void {
    this.live = grown(this.live, length);
    this.vectorMark = grown(this.vectorMark, length);
    this.vectorSlot = grown(this.vectorSlot, length);
    this.nameMark = grown(this.nameMark, length);
    this.queryMark = grown(this.queryMark, length);
    this.queryWeight = grown(this.queryWeight, length);
    this.date = grown(this.date, length);
    this.lists.resize(this.live.length);
  }
}

// Fields of a posting's record in `Postings.data`.
const POSTING_STORY = 0;
const POSTING_TERM = 1;
const POSTING_WEIGHT = 2;
/** Int32s per posting: 16 bytes, so a centroid walk's term and weight of a posting are one cache miss, not two. */
const POSTING_FIELDS = 4;

/**
 * One story's weight for one term, shared by the story's centroid and the term's posting list (whose
 * copy of the weight the scan reads: see PostingLists). A posting id is reused only once no posting
 * list holds it.
 *
 * One record per id: the story (slot), the term, and the sum of the story's articles' (scaled, integer)
 * weights for the term, 0 once trimmed from the centroid.
 */
export class Postings {
  private readonly slots = new SlotAllocator();
  private data = new Int32Array(4096 * POSTING_FIELDS);

  add(story: number, term: number, weight: number): number {
    const id = this.slots.next();
    const at = id * POSTING_FIELDS;
    if (at >= this.data.length) this.data = grown(this.data, at + POSTING_FIELDS);
    this.data[at + POSTING_STORY] = story;
    this.data[at + POSTING_TERM] = term;
    this.data[at + POSTING_WEIGHT] = weight;
    return id;
  }

  story(id: number): number {
    return this.data[id * POSTING_FIELDS + POSTING_STORY] as number;
  }

  term(id: number): number {
    return this.data[id * POSTING_FIELDS + POSTING_TERM] as number;
  }

  weight(id: number): number {
    return this.data[id * POSTING_FIELDS + POSTING_WEIGHT] as number;
  }

  setWeight(id: number, weight: number): void {
    this.data[id * POSTING_FIELDS + POSTING_WEIGHT] = weight;
  }

  release(id: number): void {
    this.slots.release(id);
  }
}

/**
 * Sorts posting ids by descending weight, ties in their order (what a stable `Array.prototype.sort`
 * gives): a bottom-up merge sort through `scratch`, with no comparator call or temporary array per trim.
 */
export function sortHeavierFirst(ids: number[], postings: Postings, scratch: Int32Array): void {
  const n = ids.length;
  for (let width = 1; width < n; width *= 2) {
    for (let lo = 0; lo < n - width; lo += 2 * width) {
      const mid = lo + width;
      const hi = Math.min(lo + 2 * width, n);
      for (let k = lo; k < hi; k++) scratch[k] = ids[k] as number;
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        const left = scratch[i] as number;
        const right = scratch[j] as number;
        // >= keeps the left (earlier) one first on ties: stable.
        if (postings.weight(left) >= postings.weight(right)) {
          ids[k++] = left;
          i++;
        } else {
          ids[k++] = right;
          j++;
        }
      }
      while (i < mid) ids[k++] = scratch[i++] as number;
      while (j < hi) ids[k++] = scratch[j++] as number;
    }
  }
}
