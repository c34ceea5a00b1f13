import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sharedStoryReader } from "../../src/scale/shared-story.js";
import { openStore } from "../../src/store/keyv-store.js";
import type { Store } from "../../src/store/store.js";
import type { Story, StoryArticle } from "../../src/stories/types.js";

function story(id: string, updatedAt: string, title: string): Story {
  const lead: StoryArticle = {
    id: `${id}-a`,
    url: `https://example.test/${id}`,
    title,
    excerpt: "",
    image: null,
    provider: { name: "TechSpot", domain: "techspot.com" },
    publishedAt: "2026-11-25T10:00:00.000Z",
    quality: 50,
    topics: ["ai-hardware"],
  };
  return {
    id,
    lead,
    related: [],
    topics: ["ai-hardware"],
    heat: 1,
    quality: 50,
    firstSeenAt: lead.publishedAt,
    updatedAt,
  };
}

describe("sharedStoryReader: a follower renders the story as the leader last wrote it", () => {
  let store: Store;
  beforeEach(async () => {
    store = await openStore("memory:");
  });
  afterEach(async () => {
    await store.close();
  });

  const write = (s: Story) =>
    store.collection<{ story: Story; keys: Record<string, string[]> }>("stories").set(s.id, { story: s, keys: {} });

  it("prefers the store's version when another process grew the story since this one loaded it", async () => {
    const stale = story("s1", "2026-11-25T10:00:00.000Z", "Rubin ships");
    const grown = story("s1", "2026-11-25T10:05:00.000Z", "Rubin ships to Azure and AWS");
    await write(grown);
    const read = sharedStoryReader(store, async () => stale);
    expect((await read("s1"))?.lead.title).toBe("Rubin ships to Azure and AWS");
  });

  it("keeps its own version when it is the newer one (its write to the store failed)", async () => {
    await write(story("s1", "2026-11-25T10:00:00.000Z", "old"));
    const read = sharedStoryReader(store, async () => story("s1", "2026-11-25T10:09:00.000Z", "new"));
    expect((await read("s1"))?.lead.title).toBe("new");
  });

  it("falls back to whichever copy exists, and to nothing when neither does", async () => {
    await write(story("only-stored", "2026-11-25T10:00:00.000Z", "stored"));
    const read = sharedStoryReader(store, async (id) =>
      id === "only-local" ? story(id, "2026-11-25T10:00:00.000Z", "local") : undefined,
    );
    expect((await read("only-stored"))?.lead.title).toBe("stored");
    expect((await read("only-local"))?.lead.title).toBe("local");
    expect(await read("missing")).toBeUndefined();
  });
});
