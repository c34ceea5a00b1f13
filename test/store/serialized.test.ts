import Keyv from "keyv";
import { describe, expect, it } from "vitest";
import { expiresOf, isExpired } from "../../src/store/serialized.js";

// The store reads `expires` from the tail of what Keyv wrote; it must agree with Keyv's own reading
// whatever the value holds, or add() and the purge would take over or delete live entries.
const serialize = new Keyv().serialize!;
const envelope = async (value: unknown, expires?: number) => String(await serialize({ value, expires }));

describe("reading expires from Keyv's serialized envelope", () => {
  const tricky: Array<[string, unknown]> = [
    ["a nested expires field", { expires: 5 }],
    ["a nested expires as the last field", { a: { expires: 1 } }],
    ["a string that looks like the envelope", '","expires":5}'],
    ["an array ending in an object with expires", [1, { expires: 2 }]],
    ["escapes and unicode", "nul \u0000 “quotes” 🚀"],
    ["null", null],
    ["a number", 42],
  ];

  it.each(tricky)("finds the real expires next to %s", async (_, value) => {
    expect(expiresOf(await envelope(value, 1_732_550_000_123))).toBe(1_732_550_000_123);
  });

  it.each(tricky)("finds none when an entry holding %s never expires", async (_, value) => {
    expect(expiresOf(await envelope(value))).toBeUndefined();
  });

  it("expires by Keyv's rule: only once the clock has passed the stamp", async () => {
    const raw = await envelope("v", 1000);
    expect(isExpired(raw, 999)).toBe(false);
    expect(isExpired(raw, 1000)).toBe(false);
    expect(isExpired(raw, 1001)).toBe(true);
    expect(isExpired(await envelope("v"), Number.MAX_SAFE_INTEGER)).toBe(false);
  });
});
