import type { StorySink } from "../../src/publish/sink.js";
import { DeliveryError } from "../../src/publish/sink.js";
import type { Story, StoryArticle } from "../../src/stories/types.js";

export function article(id: string, overrides: Partial<StoryArticle> = {}): StoryArticle {
  return {
    id,
    url: `https://example.com/${id}`,
    title: `Title ${id}`,
    excerpt: `Excerpt ${id}`,
    image: null,
    provider: { name: `Outlet ${id}`, domain: `${id}.example.com` },
    publishedAt: "2026-11-25T10:00:00.000Z",
    quality: 50,
    topics: ["ai"],
    ...overrides,
  };
}

export function story(id: string, overrides: Partial<Story> = {}): Story {
  const lead = article(`${id}-lead`);
  return {
    id,
    lead,
    related: [],
    topics: ["ai"],
    heat: 1,
    quality: 50,
    firstSeenAt: new Date().toISOString(),
    updatedAt: new Date().toISOString(),
    ...overrides,
  };
}

export interface FakeMessage {
  id: string;
  channelId: string;
  story: Story;
  edits: Story[];
  nonce: string;
}

/**
 * An in-memory stand-in for Discord behind the StorySink interface, with Discord's nonce
 * de-duplication. Faults are injected per call.
 */
export class FakeSink implements StorySink {
  messages: FakeMessage[] = [];
  calls: string[] = [];
  private nextId = 1;
  /** Discord forgets nonces after a few minutes; tests close the window to exercise the fallback. */
  nonceWindowOpen = true;
  /** Called before every request; may throw to simulate a failure. */
  fault: ((op: string, channelId: string) => void) | null = null;
  /** Called after the message is created, before the answer returns (a lost answer). */
  afterCreate: ((msg: FakeMessage) => void) | null = null;

  inChannel(channelId: string): FakeMessage[] {
    return this.messages.filter((m) => m.channelId === channelId);
  }

  async post(channelId: string, story: Story, nonce: string): Promise<{ messageId: string }> {
    this.calls.push(`post ${channelId} ${story.id}`);
    this.fault?.("post", channelId);
    const dup = this.nonceWindowOpen && this.messages.find((m) => m.channelId === channelId && m.nonce === nonce);
    if (dup) return { messageId: dup.id };
    const msg = { id: String(this.nextId++), channelId, story, edits: [], nonce };
    this.messages.push(msg);
    this.afterCreate?.(msg);
    return { messageId: msg.id };
  }

  async edit(channelId: string, messageId: string, story: Story): Promise<void> {
    this.calls.push(`edit ${channelId} ${messageId}`);
    this.fault?.("edit", channelId);
    const msg = this.messages.find((m) => m.id === messageId);
    if (!msg) throw new DeliveryError("message_gone", "Unknown Message");
    msg.edits.push(story);
  }

  async editRelated(channelId: string, messageId: string, story: Story): Promise<void> {
    this.calls.push(`editRelated ${channelId} ${messageId} ${story.id}`);
  }

  async findRecentPost(channelId: string, story: Story): Promise<string | null> {
    this.calls.push(`find ${channelId} ${story.id}`);
    const urls = new Set([story.lead.url, ...story.related.map((a) => a.url)]);
    return this.messages.find((m) => m.channelId === channelId && urls.has(m.story.lead.url))?.id ?? null;
  }
}
