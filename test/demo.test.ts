import { describe, expect, it } from "vitest";
import { runDemo } from "../src/dev/demo.js";

describe("npm run demo", () => {
  it("runs the whole bot offline and prints posts, edits, /news and a related-coverage thread", async () => {
    const lines: string[] = [];
    const code = await runDemo((line) => lines.push(line));
    const text = lines.join("\n");
    expect(code, text).toBe(0);
    expect(text).toMatch(/POST {2}#ai-hardware/);
    expect(text).toMatch(/EDIT {2}#/);
    expect(text).toContain("/news topic:ai-hardware");
    expect(text).toMatch(/thread "Coverage: /);
    expect(text).toMatch(/0 refused, 0 that could ping/);
    // The hostile item with @everyone was posted, defused.
    expect(text).toContain("@\u200beveryone");
  }, 60_000);
});
