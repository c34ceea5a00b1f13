import { type Logger, silentLogger } from "../log.js";
import type { Story, StoryEvent } from "../stories/types.js";
import type { Outbox } from "./outbox.js";
import type { PostRecords } from "./posts.js";
import type { Subscriptions } from "./subscriptions.js";

export interface FanoutOptions {
  subscriptions: Subscriptions;
  posts: PostRecords;
  outbox: Outbox;
  /** Topics of the story that curation lets it be posted to. */
  postableTopics: (story: Story) => string[];
  /** A story first seen longer ago than this is not posted anywhere new. */
  maxPostAgeMs: number;
  log?: Logger;
  now?: () => number;
}

export interface FanoutResult {
  posts: number;
  edits: number;
}

/**
 * Turns story events into outbox deliveries: a post to each subscribed channel that does not have the
 * story yet (once per channel, however many of its topics match), an edit where it is already posted.
 * Sending is the Deliverer's job; this only decides and persists.
 */
export class Fanout {
  private readonly log: Logger;
  private readonly now: () => number;
  constructor(private readonly opts: FanoutOptions) {
    this.log = opts.log ?? silentLogger;
    this.now = opts.now ?? Date.now;
  }

  async handle(events: readonly StoryEvent[]): Promise<FanoutResult> {
    const result: FanoutResult = { posts: 0, edits: 0 };
    for (const event of events) {
      const r = await this.handleOne(event.story);
      result.posts += r.posts;
      result.edits += r.edits;
    }
    return result;
  }

  private async handleOne(story: Story): Promise<FanoutResult> {
    const { subscriptions, posts, outbox } = this.opts;
    const topics = this.opts.postableTopics(story);
    const channels = await subscriptions.channelsFor(topics);
    if (channels.length === 0) return { posts: 0, edits: 0 };
    const existing = await posts.getMany(
      story.id,
      channels.map((c) => c.channelId),
    );
    const fresh = this.now() - Date.parse(story.firstSeenAt) <= this.opts.maxPostAgeMs;
    let postCount = 0;
    let editCount = 0;
    for (const [i, channel] of channels.entries()) {
      const target = { storyId: story.id, guildId: channel.guildId, channelId: channel.channelId };
      if (existing[i]) {
        // The deliverer applies the per-message debounce; queue it now so nothing is forgotten.
        await outbox.enqueueEdit(target, this.now());
        editCount++;
      } else if (fresh && (await outbox.enqueuePost(target))) {
        postCount++;
      }
    }
    if (!fresh && existing.every((p) => !p)) {
      this.log.debug({ story: story.id }, "story too old to post");
    }
    if (postCount || editCount) {
      this.log.info({ story: story.id, posts: postCount, edits: editCount }, "story fanned out");
    }
    return { posts: postCount, edits: editCount };
  }
}
