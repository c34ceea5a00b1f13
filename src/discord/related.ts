import { type APIChannel, type APIMessage, DiscordAPIError, type REST, Routes } from "discord.js";
import { type Logger, silentLogger } from "../log.js";
import type { PostRecords } from "../publish/posts.js";
import { relatedSignature } from "../publish/sink.js";
import type { Collection, Store } from "../store/store.js";
import type { Story } from "../stories/types.js";
import { relatedEmbed, type TopicLookup } from "./embeds.js";
import type { StoryReader } from "./services.js";
import { NO_MENTIONS } from "./sink.js";
import { truncate } from "./text.js";

export type RelatedOutcome = "answered" | "already-answered" | "not-a-story" | "cooling-down" | "story-expired";

/** Discord codes that mean "no thread here": answer with a reply instead. */
const NO_THREAD_CODES = new Set([50001, 50013, 50024, 160004]);

export interface RelatedCoverageOptions {
  rest: REST;
  store: Store;
  posts: PostRecords;
  stories: StoryReader;
  topics: TopicLookup;
  log?: Logger;
  /** A member reacting again within this time is ignored, quietly. */
  cooldownMs?: number;
  now?: () => number;
}

/**
 * The related-coverage answer to a story post: a thread on the post (or a reply where threads are not
 * allowed) listing every outlet's article, lead first. One answer per post; the publisher edits it
 * when the story grows.
 */
export class RelatedCoverage {
  private readonly lastByUser = new Map<string, number>();
  private readonly claims: Collection<string>;
  private readonly log: Logger;
  private readonly now: () => number;
  constructor(private readonly opts: RelatedCoverageOptions) {
    this.claims = opts.store.collection<string>("related-claims");
    this.log = opts.log ?? silentLogger;
    this.now = opts.now ?? Date.now;
  }

  /** The story a message is a post of, for the context-menu command. */
  async storyOf(messageId: string): Promise<Story | undefined> {
    const post = await this.opts.posts.byMessageId(messageId);
    return post ? this.opts.stories.get(post.storyId) : undefined;
  }

  embedFor(story: Story) {
    return relatedEmbed(story, { topics: this.opts.topics });
  }

  async onReaction(channelId: string, messageId: string, userId: string): Promise<RelatedOutcome> {
    const now = this.now();
    const last = this.lastByUser.get(userId);
    if (last !== undefined && now - last < (this.opts.cooldownMs ?? 10_000)) return "cooling-down";
    this.lastByUser.set(userId, now);
    if (this.lastByUser.size > 10_000) this.forgetOldest();

    const post = await this.opts.posts.byMessageId(messageId);
    if (!post || post.channelId !== channelId) return "not-a-story";
    if (post.related) return "already-answered";
    // Two reactions at once (or on two shards) must not both answer.
    if (!(await this.claims.add(messageId, String(now), 120_000))) return "already-answered";
    const story = await this.opts.stories.get(post.storyId);
    if (!story) return "story-expired";

    const embed = this.embedFor(story);
    const answer = await this.postAnswer(channelId, messageId, story, embed);
    await this.opts.posts.save({ ...post, related: { ...answer, signature: relatedSignature(story) } });
    this.log.info({ story: story.id, message: messageId, answer: answer.messageId }, "related coverage answered");
    return "answered";
  }

  private async postAnswer(
    channelId: string,
    messageId: string,
    story: Story,
    embed: ReturnType<RelatedCoverage["embedFor"]>,
  ): Promise<{ channelId: string; messageId: string }> {
    const { rest } = this.opts;
    try {
      const thread = (await rest.post(Routes.threads(channelId, messageId), {
        body: { name: threadName(story), auto_archive_duration: 1440 },
      })) as APIChannel;
      const msg = (await rest.post(Routes.channelMessages(thread.id), {
        body: { embeds: [embed], allowed_mentions: NO_MENTIONS },
      })) as APIMessage;
      return { channelId: thread.id, messageId: msg.id };
    } catch (err) {
      if (!(err instanceof DiscordAPIError) || !NO_THREAD_CODES.has(Number(err.code))) throw err;
      this.log.debug({ code: err.code }, "no thread here; answering with a reply");
    }
    const reply = (await rest.post(Routes.channelMessages(channelId), {
      body: {
        embeds: [embed],
        allowed_mentions: NO_MENTIONS,
        message_reference: { message_id: messageId, fail_if_not_exists: false },
      },
    })) as APIMessage;
    return { channelId, messageId: reply.id };
  }

  private forgetOldest(): void {
    const cutoff = this.now() - (this.opts.cooldownMs ?? 10_000);
    for (const [user, at] of this.lastByUser) if (at < cutoff) this.lastByUser.delete(user);
  }
}

/** Thread names are plain text, 1–100 characters. */
export function threadName(story: Story): string {
  const title = story.lead.title.replace(/\s+/g, " ").trim() || "Story";
  return truncate(`Coverage: ${title}`, 100);
}
