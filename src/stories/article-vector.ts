import { pairKey } from "./pair-tables.js";
import { grown } from "./slots.js";
import { TermFilter } from "./term-filter.js";
import type { Terms } from "./term-index.js";
import type { TermSink } from "./terms.js";

/** Pair marks restart before they leave the Int32 range, with the table's marks cleared. */
const MAX_MARK = 2 ** 30;

/** The article being placed: its term ids in first-occurrence order and their summed weights (reused). */
export class ArticleVector implements TermSink {
  ids = new Int32Array(64);
  tf = new Float64Array(64);
  size = 0;
  /** The article's word pairs (`pairKey`s, in first-occurrence order) and their summed weights. */
  pairKeys = new Int32Array(32);
  pairTf = new Float64Array(32);
  pairs = 0;
  /** The current text's pair weight (0: no pairs) and previous term (-1 at its start). */
  private pairWeight = 0;
  private previous = -1;
  /**
   * Pair key → position + 1, valid where `pairMarks` holds `pairMark` (one per article): finds a
   * repeated pair without a search and without clearing the table between articles.
   */
  private pairTable = new Int32Array(128);
  private pairMarks = new Int32Array(128);
  private pairMark = 0;
  /** Whether the title names anything (see `GrouperOptions.nameGuard`). */
  hasNames = false;
  /** Whether the article names a date: a year or a month (`Terms.date`). */
  hasDates = false;
  /** Marks this article's terms (`Terms.vectorMark`) and title names (`Terms.nameMark`). */
  mark = 0;
  /** This article's terms, for a centroid walk to skip most others without reading their mark. */
  readonly filter = new TermFilter();

  constructor(private readonly terms: Terms) {}

  /** Whether the term is one of this article's. */
  has(term: number): boolean {
    return this.filter.mayHave(term) && this.terms.vectorMark[term] === this.mark;
  }

  reset(mark: number): void {
    for (let k = 0; k < this.size; k++) this.filter.remove(this.ids[k] as number);
    this.size = 0;
    this.pairs = 0;
    this.pairWeight = 0;
    this.previous = -1;
    if (++this.pairMark === MAX_MARK) {
      this.pairMarks.fill(0);
      this.pairMark = 1;
    }
    this.hasNames = false;
    this.hasDates = false;
    this.mark = mark;
  }

  startText(pairWeight: number): void {
    this.pairWeight = pairWeight;
    this.previous = -1;
  }

  add(term: number, weight: number): void {
    if (this.pairWeight > 0) {
      if (this.previous !== -1) this.pair(this.previous, term);
      this.previous = term;
    }
    const terms = this.terms;
    if (this.filter.mayHave(term) && terms.vectorMark[term] === this.mark) {
      const slot = terms.vectorSlot[term] as number;
      this.tf[slot] = (this.tf[slot] as number) + weight;
      return;
    }
    const slot = this.size++;
    if (slot === this.ids.length) {
      this.ids = grown(this.ids, slot + 1);
      this.tf = grown(this.tf, slot + 1);
    }
    terms.vectorMark[term] = this.mark;
    terms.vectorSlot[term] = slot;
    this.filter.add(term);
    if (terms.date[term] === 1) this.hasDates = true;
    this.ids[slot] = term;
    this.tf[slot] = 0 + weight;
  }

  private pair(first: number, second: number): void {
    const key = pairKey(this.terms.hash(first), this.terms.hash(second));
    const table = this.pairTable;
    const mask = table.length - 1;
    let i = key & mask;
    for (; this.pairMarks[i] === this.pairMark; i = (i + 1) & mask) {
      const p = (table[i] as number) - 1;
      if (this.pairKeys[p] === key) {
        this.pairTf[p] = (this.pairTf[p] as number) + this.pairWeight;
        return;
      }
    }
    const p = this.pairs++;
    if (p === this.pairKeys.length) {
      this.pairKeys = grown(this.pairKeys, p + 1);
      this.pairTf = grown(this.pairTf, p + 1);
    }
    this.pairKeys[p] = key;
    this.pairTf[p] = this.pairWeight;
    this.pairMarks[i] = this.pairMark;
    table[i] = p + 1;
    // At most a quarter full, so probe runs stay short.
    if (this.pairs * 4 > table.length) this.growPairTable();
  }

  private growPairTable(): void {
    const size = this.pairTable.length * 2;
    this.pairTable = new Int32Array(size);
    this.pairMarks = new Int32Array(size);
    const mask = size - 1;
    for (let p = 0; p < this.pairs; p++) {
      let i = (this.pairKeys[p] as number) & mask;
      while (this.pairMarks[i] === this.pairMark) i = (i + 1) & mask;
      this.pairMarks[i] = this.pairMark;
      this.pairTable[i] = p + 1;
    }
  }

  titleName(term: number): void {
    this.terms.nameMark[term] = this.mark;
    this.hasNames = true;
  }
}
