import { BlockAllocator, grown } from "./slots.js";

/**
 * Every story's word pairs (two terms adjacent in a headline-only article: see
 * `GrouperOptions.headlinePairWeight`) with their summed weights, one small open-addressing table of
 * 32-bit pair keys per story.
 *
 * Pairs only add to the score of a candidate that single words retrieved, so they need no posting
 * list and no term id, and they weigh as a term of one story would (no document frequency): most pairs
 * are seen once, and interning each as a term would grow the term table by millions in a full window.
 * Keys hash the two terms' texts, so a key means the same pair however term ids are reused; two pairs
 * sharing a key (about one in four billion per pair of pairs) add a little to a score.
 *
 * The tables live in two pooled typed arrays (blocks of power-of-two sizes, reused by size), like the
 * posting lists, rather than a typed array per story, which would be garbage for the GC as it grew.
 */
export class PairTables {
  /** Key of each slot of every block; 0 marks an empty slot (a key is never 0: see `pairKey`). */
  private keys = new Int32Array(1 << 16);
  /** Summed (scaled, integer) weight of each slot's pair. */
  private weights = new Int32Array(1 << 16);
  /** Each story's block (by story slot): start, size (a power of two, 0 for none), pairs held. */
  private start = new Int32Array(1024);
  private capacity = new Int32Array(1024);
  private held = new Int32Array(1024);
  private readonly blocks = new BlockAllocator();
  private scratch = new Int32Array(256);

  /** Pairs the story holds. */
  size(story: number): number {
    return story < this.held.length ? (this.held[story] as number) : 0;
  }

  /** The story's weight of the pair, 0 when it does not hold it. */
  weight(story: number, key: number): number {
    if (this.size(story) === 0) return 0;
    const keys = this.keys;
    const first = this.start[story] as number;
    const mask = (this.capacity[story] as number) - 1;
    for (let i = key & mask; ; i = (i + 1) & mask) {
      const k = keys[first + i] as number;
      if (k === key) return this.weights[first + i] as number;
      if (k === 0) return 0;
    }
  }

  /** Makes room in the story's table for `more` pairs, so that many `add`s move it once at most. */
  reserve(story: number, more: number): void {
    if (story >= this.held.length) {
      this.start = grown(this.start, story + 1);
      this.capacity = grown(this.capacity, story + 1);
      this.held = grown(this.held, story + 1);
    }
    const needed = capacityFor((this.held[story] as number) + more);
    if (needed > (this.capacity[story] as number)) this.move(story, needed);
  }

  /** Keeps the story's `keep` heaviest pairs (of equal weights, those met first in the table). */
  trim(story: number, keep: number): void {
    const size = this.size(story);
    if (size <= keep) return;
    const first = this.start[story] as number;
    const capacity = this.capacity[story] as number;
    if (this.scratch.length < size) this.scratch = grown(this.scratch, size);
    let n = 0;
    for (let i = first; i < first + capacity; i++) {
      if (this.keys[i] !== 0) this.scratch[n++] = this.weights[i] as number;
    }
    const weights = this.scratch.subarray(0, n).sort();
    // The lightest weight kept: lighter pairs go, and of this weight as many as there is room for stay.
    const cut = weights[n - keep] as number;
    let room = keep;
    for (let i = n - 1; i >= 0 && (weights[i] as number) > cut; i--) room--;
    for (let i = first; i < first + capacity; i++) {
      const w = this.weights[i] as number;
      if (this.keys[i] === 0) continue;
      if (w > cut) continue;
      if (w === cut && room > 0) {
        room--;
        continue;
      }
      this.keys[i] = 0;
      this.held[story] = (this.held[story] as number) - 1;
    }
    // Emptied slots break probe runs: rebuild the table, in a block sized for what is left (a story
    // that once took a very long headline does not keep its big block).
    this.move(story, capacityFor(keep));
  }

  /** The sum of the squares of the story's pair weights. */
  squares(story: number): number {
    const first = this.start[story] as number;
    const end = first + (this.size(story) === 0 ? 0 : (this.capacity[story] as number));
    let sum = 0;
    for (let i = first; i < end; i++) if (this.keys[i] !== 0) sum += (this.weights[i] as number) ** 2;
    return sum;
  }

  /** Forgets the story's pairs (its slot may then hold another story). */
  clear(story: number): void {
    if (story >= this.held.length) return;
    const capacity = this.capacity[story] as number;
    if (capacity > 0) {
      const start = this.start[story] as number;
      this.keys.fill(0, start, start + capacity);
      this.blocks.release(start, capacity);
    }
    this.capacity[story] = 0;
    this.held[story] = 0;
  }

  /** Adds `weight` to the story's pair, in room made by `reserve`; returns its weight before. */
  add(story: number, key: number, weight: number): number {
    const keys = this.keys;
    const first = this.start[story] as number;
    const mask = (this.capacity[story] as number) - 1;
    let i = key & mask;
    for (; keys[first + i] !== 0; i = (i + 1) & mask) {
      if (keys[first + i] === key) {
        const old = this.weights[first + i] as number;
        this.weights[first + i] = old + weight;
        return old;
      }
    }
    keys[first + i] = key;
    this.weights[first + i] = weight;
    this.held[story] = (this.held[story] as number) + 1;
    return 0;
  }

  /** Moves the story's pairs into a new block of `capacity` slots. */
  private move(story: number, capacity: number): void {
    const block = this.allocate(capacity);
    const from = this.start[story] as number;
    const oldCapacity = this.capacity[story] as number;
    this.start[story] = block;
    this.capacity[story] = capacity;
    this.held[story] = 0;
    for (let i = from; i < from + oldCapacity; i++) {
      const key = this.keys[i] as number;
      if (key === 0) continue;
      // Released blocks are left empty, so a block needs no clearing when it is reused.
      this.keys[i] = 0;
      this.add(story, key, this.weights[i] as number);
    }
    if (oldCapacity > 0) this.blocks.release(from, oldCapacity);
  }

  private allocate(size: number): number {
    const start = this.blocks.allocate(size);
    const used = this.blocks.used;
    if (used > this.keys.length) {
      this.keys = grown(this.keys, used);
      this.weights = grown(this.weights, used);
    }
    return start;
  }
}

/** Slots for `pairs` pairs: a power of two at least twice as many (at most half full, so probe runs stay short). */
function capacityFor(pairs: number): number {
  return Math.max(16, 2 ** Math.ceil(Math.log2(pairs * 2)));
}

/** The key of an ordered pair of terms, from the hashes of their texts: never 0. */
export function pairKey(firstHash: number, secondHash: number): number {
  let h = Math.imul(firstHash, 0x9e3779b1) ^ secondHash;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h ^= h >>> 16;
  return h === 0 ? 1 : h;
}
