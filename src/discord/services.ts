import type { Config } from "../config/schema.js";
import type { Logger } from "../log.js";
import type { PostRecords } from "../publish/posts.js";
import type { Subscriptions } from "../publish/subscriptions.js";
import type { Story } from "../stories/types.js";
import type { TopicLookup } from "./embeds.js";
import type { RelatedCoverage } from "./related.js";

/** What `/news` and the related-coverage answers read of the story stage. */
export interface StoryReader {
  latest(topic: string, limit: number): Promise<Story[]>;
  get(id: string): Promise<Story | undefined>;
}

/** One row of `/feeds`, from the feed stage's persisted health. */
export interface FeedHealthRow {
  id: string;
  provider: string;
  url: string;
  status: "ok" | "failing" | "disabled" | "new";
  lastSuccessAt?: string;
  lastError?: { kind: string; message: string; at: string };
  consecutiveFailures: number;
  nextDueAt?: string;
  disabledReason?: string;
}

/** The core, as the Discord side sees it. Commands stay thin and call these. */
export interface BotServices {
  config: Config;
  topics: TopicLookup;
  subscriptions: Subscriptions;
  stories: StoryReader;
  posts: PostRecords;
  related: Pick<RelatedCoverage, "storyOf" | "embedFor">;
  feedHealth(): Promise<FeedHealthRow[]>;
  /** Drops queued deliveries to a channel (it was unsubscribed or deleted). */
  dropDeliveries(channelId: string): Promise<void>;
  log: Logger;
}
