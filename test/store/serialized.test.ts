import { defaultSerialize } from "@keyv/serialize";
import Keyv from "keyv";
import { describe, expect, it } from "vitest";
import { openStore } from "../../src/store/keyv-store.js";
import { expiresOf, isExpired, serialize } from "../../src/store/serialized.js";

// The store reads `expires` from the tail of what Keyv wrote; it must agree with Keyv's own reading
// whatever the value holds, or add() and the purge would take over or delete live entries.
const keyvSerialize = new Keyv().serialize!;
const envelope = async (value: unknown, expires?: number) => String(await keyvSerialize({ value, expires }));

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

describe("the store's serializer", () => {
  // Stored text must not change with it: older versions, other tools and Keyv itself read these rows.
  const values: Array<[string, unknown]> = [
    ["a seen set", { value: { url: "https://x.test/feed", keys: ["gAbc", "u:x"], seenAt: [1, 2.5] }, expires: 9 }],
    ["strings starting with a colon, at every depth", { a: ":x", b: [":y", "z", { c: "::w" }], d: ":" }],
    ["a top-level string starting with a colon", ":top"],
    ["keys starting with a colon, or ending in [ , : {", { ":k": 1, "a,": ":v", "b[": 2, "c:": 3, "d{": ":e" }],
    ["quotes, backslashes, escapes and unicode", { t: 'say ":" \\ "\n\u0000 “q” 🚀', u: '[":' }],
    ["dates and nested toJSON", { at: new Date(0), nested: { toJSON: () => ":from toJSON" } }],
    ["numbers, booleans and null", [0, -1.5e-7, 1e21, Number.NaN, true, false, null]],
    ["undefined fields, which both leave out", { a: undefined, b: 1 }],
    ["a Buffer", { b: Buffer.from("bytes") }],
    ["an empty object and array", { o: {}, a: [] }],
  ];

  it.each(values)("writes %s exactly as @keyv/serialize does", (_, value) => {
    expect(serialize(value)).toBe(defaultSerialize(value));
  });

  it("writes random nested data exactly as @keyv/serialize does", () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const pieces = [":", "a", '"', "\\", ",", "[", "{", "}", "]", " ", "é", "🚀", "\n"];
    const text = () =>
      Array.from({ length: Math.floor(random() * 6) }, () => pieces[Math.floor(random() * pieces.length)]).join("");
    const value = (depth: number): unknown => {
      const kind = Math.floor(random() * (depth > 3 ? 3 : 5));
      if (kind === 0) return text();
      if (kind === 1) return Math.round(random() * 1e6) / 100;
      if (kind === 2) return random() < 0.5 ? null : random() < 0.5;
      if (kind === 3) return Array.from({ length: Math.floor(random() * 4) }, () => value(depth + 1));
      return Object.fromEntries(Array.from({ length: Math.floor(random() * 4) }, () => [text(), value(depth + 1)]));
    };
    for (let i = 0; i < 2_000; i++) {
      const v = value(0);
      expect(serialize(v)).toBe(defaultSerialize(v));
    }
  });

  it("is the serializer of the store's collections, and reads back through Keyv's deserializer", async () => {
    const store = await openStore("memory:");
    try {
      const c = store.collection<{ s: string; n: number[] }>("ser");
      await c.set("k", { s: ":colon", n: [1, 2] });
      expect(await c.get("k")).toEqual({ s: ":colon", n: [1, 2] });
    } finally {
      await store.close();
    }
  });
});
