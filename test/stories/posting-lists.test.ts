import { describe, expect, it } from "vitest";
import { PostingLists } from "../../src/stories/posting-lists.js";

/** The term's list, each entry read the way the grouper reads it: posting id, owner, weight. */
function entries(lists: PostingLists, term: number): Array<[number, number, number]> {
  const first = lists.start[term] as number;
  const out: Array<[number, number, number]> = [];
  for (let i = first; i < first + (lists.length[term] as number); i++)
    out.push([lists.pool[i] as number, lists.owners[i] as number, lists.weights[i] as number]);
  return out;
}

/** The owner the test gives each entry (any function of it will do, as long as it is not the entry). */
const ownerOf = (entry: number) => (entry * 7 + 3) % 1_000;

describe("PostingLists", () => {
  // The grouper's scan and compaction rely on each list keeping its own entries, oldest first, with
  // their owners and current weights, while other lists grow, move to bigger blocks and hand freed
  // blocks back.
  it("keeps every term's entries, owners and weights in order through growth, reweighing, compaction and clears", () => {
    const lists = new PostingLists();
    const terms = 300;
    lists.resize(terms);
    const model: Array<Array<[number, number, number]>> = Array.from({ length: terms }, () => []);
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) >>> 0;
      return seed % n;
    };
    const dropped: number[] = [];
    for (let step = 0; step < 50_000; step++) {
      const term = random(terms);
      const op = random(100);
      const list = model[term] as Array<[number, number, number]>;
      if (op < 70) {
        const weight = 1 + random(9);
        lists.push(term, step, ownerOf(step), weight);
        list.push([step, ownerOf(step), weight]);
      } else if (op < 85 && list.length > 0) {
        // A story grows (or is trimmed): the entry's weight changes wherever its block has moved to.
        const entry = list[random(list.length)] as [number, number, number];
        entry[2] = random(4);
        lists.setWeight(entry[0], entry[2]);
      } else if (op < 95) {
        // Compaction as the grouper does it: drop the entries whose weight went to 0.
        const expectDropped = list.filter(([, , weight]) => weight === 0).map(([entry]) => entry);
        dropped.length = 0;
        lists.compact(
          term,
          (_entry, _owner, weight) => weight !== 0,
          (entry) => dropped.push(entry),
        );
        expect(dropped).toEqual(expectDropped);
        model[term] = list.filter(([, , weight]) => weight !== 0);
      } else {
        lists.clear(term);
        model[term] = [];
      }
    }
    for (let term = 0; term < terms; term++) expect(entries(lists, term)).toEqual(model[term]);
  });
});
