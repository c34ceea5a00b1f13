import { describe, expect, it } from "vitest";
import { topicSchema } from "../src/config/schema.js";
import { compileRules, compileTopicRules } from "../src/topics/rules.js";

const topic = (t: Record<string, unknown>) =>
  topicSchema.parse({ name: "x", description: "x", color: "#000000", ...t });

describe("topic keyword rules", () => {
  const matcher = compileTopicRules([
    topic({ slug: "ai-hardware", keywords: ["H100", "AI chip", "/\\bMI3\\d{2}X?\\b/"] }),
    topic({ slug: "security", keywords: ["CVE", "zero-day"], block: ["sponsored"] }),
    topic({ slug: "lang", keywords: ["C++"], allow: ["compiler", "standard"] }),
  ]);

  it("tags on whole words, case-insensitively, phrases across any whitespace", () => {
    expect(matcher.tag("Nvidia ships the h100 to miners")).toEqual(["ai-hardware"]);
    expect(matcher.tag("An H1000 is not an H100X")).toEqual([]);
    expect(matcher.tag("a new AI\n chip from Google")).toEqual(["ai-hardware"]);
    expect(matcher.tag("AMD MI300X benchmarks; CVE-2026-1234 patched")).toEqual(["ai-hardware", "security"]);
  });

  it("matches rules that start or end with symbols", () => {
    expect(matcher.tag("What's new in C++26")).toEqual([]);
    expect(matcher.tag("What's new in C++ 26")).toEqual(["lang"]);
    expect(compileRules(["$1.2B"])?.test("raises $1.2B round")).toBe(true);
  });

  it("applies block and allow lists for curation", () => {
    expect(matcher.allows("security", "Zero-day in routers")).toBe(true);
    expect(matcher.allows("security", "Sponsored: our zero-day scanner")).toBe(false);
    expect(matcher.allows("lang", "C++ standard committee meets")).toBe(true);
    expect(matcher.allows("lang", "C++ conference tickets")).toBe(false);
    expect(matcher.allows("unknown", "anything")).toBe(true);
  });
});
