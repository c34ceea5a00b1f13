import { describe, expect, it } from "vitest";
import { PairTables, pairKey } from "../../src/stories/pair-tables.js";

describe("PairTables", () => {
  // The grouper reads each story's pair weights while other stories' tables grow, move to bigger
  // blocks, are trimmed, and hand their blocks back for reuse by stories that take over a slot.
  it("keeps every story's pairs and weights through growth, trims, clears and reused blocks", () => {
    const tables = new PairTables();
    const stories = 200;
    const model: Array<Map<number, number>> = Array.from({ length: stories }, () => new Map());
    let seed = 11;
    const random = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) >>> 0;
      return seed % n;
    };
    // Few distinct keys, so that stories share keys and pairs repeat within a story.
    const keyOf = (n: number) => pairKey(n, n * 31 + 7);
    for (let step = 0; step < 40_000; step++) {
      const story = random(stories);
      const pairs = model[story] as Map<number, number>;
      const op = random(100);
      if (op < 80) {
        const batch = 1 + random(12);
        tables.reserve(story, batch);
        for (let k = 0; k < batch; k++) {
          const key = keyOf(random(600));
          const weight = 1 + random(5);
          expect(tables.add(story, key, weight)).toBe(pairs.get(key) ?? 0);
          pairs.set(key, (pairs.get(key) ?? 0) + weight);
        }
      } else if (op < 95) {
        const keep = random(40);
        tables.trim(story, keep);
        if (pairs.size > keep) {
          const weights = [...pairs.values()].sort((a, b) => b - a);
          const cut = weights[keep - 1] ?? Number.POSITIVE_INFINITY;
          // Heavier than the lightest kept weight: always kept; lighter: always dropped; equal: some.
          const before = new Map(pairs);
          for (const [key, weight] of before) {
            const kept = tables.weight(story, key);
            if (weight > cut) expect(kept).toBe(weight);
            else if (weight < cut) expect(kept).toBe(0);
            else expect([0, weight]).toContain(kept);
            if (kept === 0) pairs.delete(key);
          }
          expect(pairs.size).toBe(keep);
        }
      } else {
        tables.clear(story);
        pairs.clear();
      }
      expect(tables.size(story)).toBe(pairs.size);
    }
    for (let story = 0; story < stories; story++) {
      const pairs = model[story] as Map<number, number>;
      expect(tables.size(story)).toBe(pairs.size);
      let squares = 0;
      for (const [key, weight] of pairs) {
        expect(tables.weight(story, key)).toBe(weight);
        squares += weight * weight;
      }
      expect(tables.squares(story)).toBe(squares);
      // Keys it never held (or no longer holds) weigh nothing, whatever its block held before.
      for (let n = 600; n < 620; n++) expect(tables.weight(story, keyOf(n))).toBe(0);
    }
  });

  it("keys an ordered pair: never 0, and the order matters", () => {
    expect(pairKey(1, 2)).not.toBe(pairKey(2, 1));
    const keys = new Set<number>();
    for (let a = 0; a < 300; a++) for (let b = 0; b < 300; b++) keys.add(pairKey(a * 2_654_435_761, b));
    expect(keys.has(0)).toBe(false);
    // 90,000 pairs, 32-bit keys: a collision or two at most.
    expect(keys.size).toBeGreaterThan(89_990);
  });
});
