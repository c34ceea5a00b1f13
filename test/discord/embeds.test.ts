import { describe, expect, it } from "vitest";
import { EMBED_LIMITS, embedLength, relatedEmbed, storyEmbed, storyListEmbeds } from "../../src/discord/embeds.js";
import { plain, truncate } from "../../src/discord/text.js";
import { article, story } from "../publish/helpers.js";

const topics = (slug: string) =>
  ({
    ai: { slug: "ai", name: "AI", color: 0x8e44ad },
    security: { slug: "security", name: "Security", color: 0xc0392b },
  })[slug];
const options = { topics, relatedEmoji: "🔗" };

const hostileTitle = `@everyone **FREE** ||spoiler|| [click](https://evil.example) <@&123456789012345678> <@123456789012345678> \`code\` ${"A".repeat(10_000)}`;

function expectWithinLimits(embed: ReturnType<typeof storyEmbed>) {
  expect(embed.title?.length ?? 0).toBeLessThanOrEqual(EMBED_LIMITS.title);
  expect(embed.description?.length ?? 0).toBeLessThanOrEqual(EMBED_LIMITS.description);
  expect(embed.author?.name.length ?? 0).toBeLessThanOrEqual(EMBED_LIMITS.author);
  expect(embed.footer?.text.length ?? 0).toBeLessThanOrEqual(EMBED_LIMITS.footer);
  expect(embedLength(embed)).toBeLessThanOrEqual(EMBED_LIMITS.total);
}

describe("story embed", () => {
  it("shows headline linking the lead, excerpt, image, outlet, time, topics and coverage", () => {
    const s = story("s1", {
      lead: article("lead", {
        title: "Miners turn GPU farms into AI data centres",
        excerpt: "Hut 8 and others repurpose hardware.",
        image: "https://img.example.com/a.jpg",
        provider: { name: "TechSpot", domain: "techspot.com" },
      }),
      related: [
        article("r1", { provider: { name: "Decrypt", domain: "decrypt.co" } }),
        article("r2", { provider: { name: "PC Gamer", domain: "pcgamer.com" } }),
      ],
      heat: 3,
      topics: ["ai", "security"],
    });
    const e = storyEmbed(s, options);
    expect(e.title).toBe("Miners turn GPU farms into AI data centres");
    expect(e.url).toBe("https://example.com/lead");
    expect(e.author).toEqual({ name: "TechSpot", url: "https://techspot.com/" });
    expect(e.image).toEqual({ url: "https://img.example.com/a.jpg" });
    expect(e.description).toBe(
      "Hut 8 and others repurpose hardware\\.\n\n**+2 more sources**: Decrypt, PC Gamer".replace("\\.", "."),
    );
    expect(e.footer?.text).toBe("AI · Security — 3 outlets · react 🔗 for related coverage");
    expect(e.color).toBe(0x8e44ad);
    expect(e.timestamp).toBe("2026-11-25T10:00:00.000Z");
  });

  it("keeps hostile feed text inert and inside every limit", () => {
    const s = story("s1", {
      lead: article("lead", {
        title: hostileTitle,
        excerpt: hostileTitle,
        provider: { name: "X".repeat(600), domain: "x.com" },
      }),
      related: Array.from({ length: 40 }, (_, i) =>
        article(`r${i}`, { provider: { name: `@here ${"Y".repeat(90)}${i}`, domain: "y.com" } }),
      ),
      heat: 41,
    });
    const e = storyEmbed(s, options);
    expectWithinLimits(e);
    const text = JSON.stringify(e);
    expect(text).not.toMatch(/@everyone|@here/);
    expect(text).not.toMatch(/<@&?\d+>/);
    expect(e.title).toContain("\\*\\*FREE\\*\\*");
    expect(e.title).toContain("\\|\\|spoiler\\|\\|");
  });

  it("drops URLs Discord would refuse instead of failing the post", () => {
    const s = story("s1", { lead: article("lead", { url: "javascript:alert(1)", image: "ftp://x/y.png" }) });
    const e = storyEmbed(s, options);
    expect(e.url).toBeUndefined();
    expect(e.image).toBeUndefined();
  });
});

describe("related coverage embed", () => {
  it("lists the lead first, then each other article as outlet, linked headline and time", () => {
    const s = story("s1", {
      lead: article("lead", { title: "Lead [story]", provider: { name: "Ars", domain: "ars.com" } }),
      related: [article("r1", { title: "Second", provider: { name: "Verge", domain: "verge.com" } })],
      heat: 2,
    });
    const e = relatedEmbed(s, { topics });
    const lines = e.description?.split("\n") ?? [];
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe("**Ars** · [Lead \\[story\\]](https://example.com/lead) · <t:1795600800:R>");
    expect(lines[1]).toContain("**Verge** · [Second](https://example.com/r1)");
  });

  it("stays within the description limit for a story with hundreds of articles", () => {
    const s = story("s1", {
      related: Array.from({ length: 300 }, (_, i) => article(`r${i}`, { title: "T".repeat(400) })),
      heat: 301,
    });
    const e = relatedEmbed(s, { topics });
    expectWithinLimits(e);
    expect(e.description).toMatch(/…and \d+ more$/);
  });
});

describe("story list (/news)", () => {
  it("fits ten stories into one message's 6000 characters", () => {
    const stories = Array.from({ length: 12 }, (_, i) =>
      story(`s${i}`, {
        lead: article(`l${i}`, {
          title: "H".repeat(300),
          excerpt: "E".repeat(300),
          provider: { name: "P".repeat(300), domain: "p.com" },
        }),
      }),
    );
    const embeds = storyListEmbeds(stories, options);
    expect(embeds).toHaveLength(10);
    expect(embeds.reduce((n, e) => n + embedLength(e), 0)).toBeLessThanOrEqual(EMBED_LIMITS.total);
    for (const e of embeds) expectWithinLimits(e);
  });
});

describe("text helpers", () => {
  it("truncates at a word boundary without splitting surrogate pairs or leaving an escape", () => {
    expect(truncate("hello wonderful world", 18)).toBe("hello wonderful…");
    expect(truncate("hello wonderful world", 12)).toBe("hello wonde…");
    expect(truncate("😀😀😀😀", 4)).toBe("😀…");
    expect(truncate("abc\\*def", 5)).toBe("abc…");
    expect(plain("  a\n\n b  ")).toBe("a b");
  });
});
