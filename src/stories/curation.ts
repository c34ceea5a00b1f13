import type { Article } from "../feeds/article.js";
import type { TopicMatcher } from "../topics/rules.js";
import type { Story, StoryArticle } from "./types.js";

/**
 * Curation: which article leads a story, how good the story is, and where it may be posted.
 * Pure functions over story records, so the publisher, `/news` and tests agree on one rule.
 */

export function toStoryArticle(article: Article): StoryArticle {
  return {
    id: article.id,
    url: article.url,
    title: article.title,
    excerpt: article.excerpt,
    image: article.image,
    provider: { name: article.provider.name, domain: article.provider.domain },
    publishedAt: article.publishedAt,
    quality: article.quality,
    topics: [...article.topics],
  };
}

function completeness(a: StoryArticle): number {
  return (a.image ? 1 : 0) + (a.excerpt.trim() ? 1 : 0);
}

/**
 * Lead order: the provider's quality weight from config, then completeness (an image, an excerpt:
 * what makes a post worth clicking), then the earliest, then id so the order never flips on ties.
 */
export function compareForLead(a: StoryArticle, b: StoryArticle): number {
  return (
    b.quality - a.quality ||
    completeness(b) - completeness(a) ||
    Date.parse(a.publishedAt) - Date.parse(b.publishedAt) ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

/**
 * How good a headline is, to keep the better one when the same article arrives twice (two feeds of
 * one site, an edited headline): a cut one ("…") or a shouting one loses to a complete one.
 */
export function titleScore(title: string): number {
  const t = title.trim();
  if (t === "") return 0;
  const truncated = /(?:…|\.\.\.)$/u.test(t) ? 0 : 1000;
  const letters = t.replace(/[^\p{L}]/gu, "");
  const shouting = letters.length > 8 && letters === letters.toUpperCase() ? 0 : 500;
  return truncated + shouting + Math.min(t.length, 200);
}

/** Everything the story says, for topic keyword rules and allow/block lists. */
export function storyText(articles: readonly StoryArticle[]): string {
  return articles.map((a) => `${a.title}\n${a.excerpt}`).join("\n");
}

/** Distinct outlets, by domain (two feeds of one site are one outlet). */
export function heatOf(articles: readonly StoryArticle[]): number {
  return new Set(articles.map((a) => a.provider.domain || a.provider.name)).size;
}

/**
 * 0–100: the best provider's weight, plus 5 per further outlet covering it (wide coverage is a
 * signal of importance that a low-weight first source should not hide), capped at 100.
 */
export function qualityOf(articles: readonly StoryArticle[]): number {
  const best = Math.max(0, ...articles.map((a) => a.quality));
  return Math.min(100, best + 5 * Math.max(0, heatOf(articles) - 1));
}

/**
 * Builds the story record from its articles (any order). Topics are the union of the articles' topics
 * and the topics whose keyword rules match the story's text, sorted for stable comparison.
 */
export function composeStory(
  id: string,
  articles: readonly StoryArticle[],
  topics: TopicMatcher,
  times: { firstSeenAt: string; updatedAt: string },
): Story {
  const ranked = [...articles].sort(compareForLead);
  const lead = ranked[0];
  if (!lead) throw new Error(`story ${id} has no articles`);
  const topicSet = new Set(articles.flatMap((a) => a.topics));
  for (const t of topics.tag(storyText(articles))) topicSet.add(t);
  return {
    id,
    lead,
    related: ranked.slice(1),
    topics: [...topicSet].sort(),
    heat: heatOf(articles),
    quality: qualityOf(articles),
    firstSeenAt: times.firstSeenAt,
    updatedAt: times.updatedAt,
  };
}

/** The story's topics that curation lets it be posted to: quality at least the topic's (or global) minimum, allow/block lists. */
export function postableTopics(story: Story, topics: TopicMatcher, globalMinQuality: number): string[] {
  const text = storyText([story.lead, ...story.related]);
  return story.topics.filter(
    (topic) => story.quality >= (topics.minQuality(topic) ?? globalMinQuality) && topics.allows(topic, text),
  );
}
