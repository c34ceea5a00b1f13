/**
 * A small set of term ids that may give false positives, never false negatives: 32,768 bits (4 kB,
 * in the first-level cache) tested before a term's scratch mark, which is a cache miss per term of a
 * centroid walk. Its owner empties it by calling `remove` for every term it added.
 */
export class TermFilter {
  private readonly bits = new Int32Array(1024);

  add(term: number): void {
    const word = (term >>> 5) & 1023;
    this.bits[word] = (this.bits[word] as number) | (1 << (term & 31));
  }

  mayHave(term: number): boolean {
    return ((this.bits[(term >>> 5) & 1023] as number) & (1 << (term & 31))) !== 0;
  }

  /** Clears the term's whole word, other terms' bits included (see the class comment). */
  remove(term: number): void {
    this.bits[(term >>> 5) & 1023] = 0;
  }
}
