import type { Collection, Store } from "../store/store.js";

/** A story posted in a channel: what to edit when the story grows, and what a reaction refers to. */
export interface PostRecord {
  storyId: string;
  guildId: string;
  channelId: string;
  messageId: string;
  postedAt: string;
  lastEditAt?: string;
  /** `storySignature` of what the message shows, so an edit that would change nothing is skipped. */
  signature: string;
  /** The related-coverage answer (in a thread on the post, or a reply), edited when the story grows. */
  related?: { channelId: string; messageId: string; signature: string };
}

/** How long reactions and edits keep working on a post. */
export const POST_RECORD_TTL_MS = 30 * 86_400_000;

export function deliveryKey(storyId: string, channelId: string): string {
  return `${storyId}:${channelId}`;
}

/** Post records by (story, channel), and the reverse index by message id used by reactions. */
export class PostRecords {
  private readonly byPair: Collection<PostRecord>;
  private readonly byMessage: Collection<string>;
  constructor(store: Store) {
    this.byPair = store.collection<PostRecord>("posts", { ttlMs: POST_RECORD_TTL_MS });
    this.byMessage = store.collection<string>("posts-by-message", { ttlMs: POST_RECORD_TTL_MS });
  }

  get(storyId: string, channelId: string): Promise<PostRecord | undefined> {
    return this.byPair.get(deliveryKey(storyId, channelId));
  }

  getMany(storyId: string, channelIds: readonly string[]): Promise<Array<PostRecord | undefined>> {
    return this.byPair.getMany(channelIds.map((c) => deliveryKey(storyId, c)));
  }

  async byMessageId(messageId: string): Promise<PostRecord | undefined> {
    const key = await this.byMessage.get(messageId);
    return key === undefined ? undefined : this.byPair.get(key);
  }

  async save(record: PostRecord): Promise<void> {
    const key = deliveryKey(record.storyId, record.channelId);
    // Reverse index first: a post record that exists is always reachable from its message.
    await this.byMessage.set(record.messageId, key);
    await this.byPair.set(key, record);
  }

  async remove(record: PostRecord): Promise<void> {
    await this.byPair.delete(deliveryKey(record.storyId, record.channelId));
    await this.byMessage.delete(record.messageId);
  }
}
