import { describe, expect, it } from "vitest";
import { PostingLists } from "../../src/stories/posting-lists.js";

function entries(lists: PostingLists, term: number): number[] {
  const first = lists.start[term] as number;
  return Array.from(lists.pool.subarray(first, first + (lists.length[term] as number)));
}

function owners(lists: PostingLists, term: number): number[] {
  const first = lists.start[term] as number;
  return Array.from(lists.owners.subarray(first, first + (lists.length[term] as number)));
}

/** The owner the test gives each entry (any function of it will do, as long as it is not the entry). */
const ownerOf = (entry: number) => (entry * 7 + 3) % 1_000;

describe("PostingLists", () => {
  // The grouper's scan and compaction rely on each list keeping its own entries, oldest first, while
  // other lists grow, move to bigger blocks and hand freed blocks back.
  it("keeps every term's entries, with their owners, in order through growth, block reuse, compaction and clears", () => {
    const lists = new PostingLists();
    const terms = 300;
    lists.resize(terms);
    const model: number[][] = Array.from({ length: terms }, () => []);
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) >>> 0;
      return seed % n;
    };
    for (let step = 0; step < 50_000; step++) {
      const term = random(terms);
      const op = random(100);
      const list = model[term] as number[];
      if (op < 85) {
        lists.push(term, step, ownerOf(step));
        list.push(step);
      } else if (op < 95) {
        // Keep every other entry, compacted in place as the grouper does.
        const first = lists.start[term] as number;
        let kept = first;
        for (let i = 0; i < list.length; i += 2) {
          lists.pool[kept] = lists.pool[first + i] as number;
          lists.owners[kept++] = lists.owners[first + i] as number;
        }
        lists.truncate(term, kept - first);
        model[term] = list.filter((_, i) => i % 2 === 0);
      } else {
        lists.clear(term);
        model[term] = [];
      }
    }
    for (let term = 0; term < terms; term++) {
      expect(entries(lists, term)).toEqual(model[term]);
      expect(owners(lists, term)).toEqual((model[term] as number[]).map(ownerOf));
    }
  });
});
