import type { Article } from "../feeds/article.js";

/**
 * One outlet's article as part of a story: the Article's fields a post and the related-coverage list
 * show (its `publishedAt` is never in the future; its `quality` is the provider's weight, 0–100).
 */
export type StoryArticle = Pick<
  Article,
  "id" | "url" | "title" | "excerpt" | "image" | "provider" | "publishedAt" | "quality" | "topics"
>;

/**
 * The same news from one or more outlets. `id` never changes once assigned, even when the lead does.
 * This is the record the publisher posts and edits, and `/news` lists.
 */
export interface Story {
  id: string;
  /** The article chosen to represent the story (curation, not arrival order). */
  lead: StoryArticle;
  /** The other articles, best first. */
  related: StoryArticle[];
  /** Union of the articles' topics and the topics whose keyword rules match the story's text. */
  topics: string[];
  /** Number of distinct providers covering the story. */
  heat: number;
  /** 0–100: curation score used by the minimum-quality filter. */
  quality: number;
  /** ISO 8601. */
  firstSeenAt: string;
  /** ISO 8601. */
  updatedAt: string;
}

/** What changed in a story, so the publisher knows whether to post or edit. */
export type StoryChange = "article" | "lead" | "topics" | "image";

export type StoryEvent = { type: "created"; story: Story } | { type: "grew"; story: Story; changes: StoryChange[] };
