import { grown } from "./slots.js";
import { TermFilter } from "./term-filter.js";
import type { Terms } from "./term-index.js";
import type { TermSink } from "./terms.js";

/** The article being placed: its term ids in first-occurrence order and their summed weights (reused). */
export class ArticleVector implements TermSink {
  ids = new Int32Array(64);
  tf = new Float64Array(64);
  size = 0;
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
    this.hasNames = false;
    this.hasDates = false;
    this.mark = mark;
  }

  add(term: number, weight: number): void {
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

  titleName(term: number): void {
    this.terms.nameMark[term] = this.mark;
    this.hasNames = true;
  }
}
