import { BlockAllocator, grown } from "./slots.js";

/**
 * The posting ids of every term, oldest first, pooled in one Int32Array rather than one JS array per
 * term: those hundreds of thousands of small arrays were young-generation garbage while they grew, and
 * objects for every major GC to mark once they lived. A list lives in a block whose size is a power of
 * two; a full list moves to a block twice as big, and freed blocks are reused by size.
 *
 * Reads go straight to the arrays: entry `i` of term `t` is `pool[start[t] + i]`, for `i < length[t]`;
 * its owner (the posting's story, which never changes) is `owners[start[t] + i]` and its weight
 * `weights[start[t] + i]`. `push` may replace these arrays, so a reader holds them only while nothing
 * is pushed.
 *
 * Why owners and weights are copied here: the scan needs each posting's story and weight. Read through
 * the posting record, the story's record could only be fetched once the posting's had arrived, two
 * cache misses in a row per posting; beside the posting id in the list, they cost none, and the story's
 * record is the only miss. A weight changes as its story grows, so the list remembers where each
 * entry sits (`setWeight` finds it there).
 */
export class PostingLists {
  pool = new Int32Array(1 << 16);
  owners = new Int32Array(1 << 16);
  weights = new Int32Array(1 << 16);
  /** Where each entry (by its value: a posting id) sits in `pool`, while it is in a list. */
  private positions = new Int32Array(1 << 16);
  /** Where each term's block starts in `pool`, and how many entries it holds (by term id). */
  start = new Int32Array(1024);
  length = new Int32Array(1024);
  /** Block size of each term's list; 0 for a list without a block (no postings). */
  private capacity = new Int32Array(1024);
  private readonly blocks = new BlockAllocator();

  /** Makes room for term ids below `terms` (ids past the old length start empty). */
  resize(terms: number): void {
    this.start = grown(this.start, terms);
    this.length = grown(this.length, terms);
    this.capacity = grown(this.capacity, terms);
  }

  /** Appends `entry` (a posting id, unique across lists) to the term's list, with its owner and weight. */
  push(term: number, entry: number, owner: number, weight: number): void {
    const length = this.length[term] as number;
    const capacity = this.capacity[term] as number;
    if (length === capacity) {
      const bigger = this.allocate(capacity === 0 ? 1 : capacity * 2);
      const from = this.start[term] as number;
      this.pool.copyWithin(bigger, from, from + length);
      this.owners.copyWithin(bigger, from, from + length);
      this.weights.copyWithin(bigger, from, from + length);
      for (let i = 0; i < length; i++) this.positions[this.pool[bigger + i] as number] = bigger + i;
      if (capacity > 0) this.blocks.release(from, capacity);
      this.start[term] = bigger;
      this.capacity[term] = capacity === 0 ? 1 : capacity * 2;
    }
    const at = (this.start[term] as number) + length;
    this.pool[at] = entry;
    this.owners[at] = owner;
    this.weights[at] = weight;
    if (entry >= this.positions.length) this.positions = grown(this.positions, entry + 1);
    this.positions[entry] = at;
    this.length[term] = length + 1;
  }

  /** The weight of an entry in a list. */
  setWeight(entry: number, weight: number): void {
    this.weights[this.positions[entry] as number] = weight;
  }

  /**
   * Keeps, in order, the entries of the term's list for which `keep(entry, owner, weight)` is true,
   * and hands each other one to `drop`.
   */
  compact(
    term: number,
    keep: (entry: number, owner: number, weight: number) => boolean,
    drop: (entry: number) => void,
  ): void {
    const { pool, owners, weights, positions } = this;
    const first = this.start[term] as number;
    const end = first + (this.length[term] as number);
    let kept = first;
    for (let i = first; i < end; i++) {
      const entry = pool[i] as number;
      const owner = owners[i] as number;
      const weight = weights[i] as number;
      if (keep(entry, owner, weight)) {
        pool[kept] = entry;
        owners[kept] = owner;
        weights[kept] = weight;
        positions[entry] = kept++;
      } else drop(entry);
    }
    this.length[term] = kept - first;
  }

  /** Empties the term's list and frees its block. */
  clear(term: number): void {
    const capacity = this.capacity[term] as number;
    if (capacity > 0) this.blocks.release(this.start[term] as number, capacity);
    this.start[term] = 0;
    this.length[term] = 0;
    this.capacity[term] = 0;
  }

  private allocate(size: number): number {
    const start = this.blocks.allocate(size);
    const used = this.blocks.used;
    if (used > this.pool.length) {
      this.pool = grown(this.pool, used);
      this.owners = grown(this.owners, used);
      this.weights = grown(this.weights, used);
    }
    return start;
  }
}
