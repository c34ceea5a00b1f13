import { describe, expect, it } from "vitest";
import { slugWords } from "../../src/stories/url-words.js";

describe("slugWords: the headline a news URL carries", () => {
  it("reads hyphen, underscore and plus slugs, without the file extension", () => {
    expect(slugWords("https://example.com/2026/03/nvidia-ships-rubin-gpus-to-azure.html")).toBe(
      "nvidia ships rubin gpus to azure",
    );
    expect(slugWords("http://news.example/index.ssf/2026/03/chip_maker_files_for_bankruptcy.html")).toBe(
      "chip maker files for bankruptcy",
    );
    expect(slugWords("http://news.example/story.php?id=21792&title=Bank+of+England+to+Restructure")).toBe(
      "Bank of England to Restructure",
    );
  });

  it("picks the longest slug of the path, decoded, and drops numbers and content ids", () => {
    expect(
      slugWords("https://example.com/tech-news/2026/hut-8-turns-bitcoin-mines-into-ai-data-centers/a1b2c3d4e5"),
    ).toBe("hut turns bitcoin mines into ai data centers");
    expect(slugWords("https://example.com/caf%C3%A9-owners-win-appeal-in-court/")).toBe(
      "café owners win appeal in court",
    );
  });

  it("gives nothing for URLs without a headline: ids, sections, junk", () => {
    expect(slugWords("https://example.com/article/6258553")).toBe("");
    expect(slugWords("https://example.com/tech/ai-news/")).toBe("");
    expect(slugWords("https://example.com/p?id=123&ref=home")).toBe("");
    expect(slugWords("not a url")).toBe("");
    expect(slugWords(undefined)).toBe("");
    expect(slugWords("https://example.com/%E0%A4%A-broken-escape-here")).toBe("broken escape here");
  });
});
