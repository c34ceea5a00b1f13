import type { APIEmbed } from "discord.js";
import type { TopicConfig } from "../config/schema.js";
import type { Story, StoryArticle } from "../stories/types.js";
import { embedUrl, linkLabel, plain, truncate } from "./text.js";

/** Discord's embed limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits). */
export const EMBED_LIMITS = {
  title: 256,
  description: 4096,
  fieldName: 256,
  fieldValue: 1024,
  fields: 25,
  footer: 2048,
  author: 256,
  total: 6000,
  perMessage: 10,
} as const;

export type TopicLookup = (slug: string) => Pick<TopicConfig, "slug" | "name" | "color"> | undefined;

const NEUTRAL_COLOR = 0x5865f2;

/** Characters Discord counts toward an embed's 6000 total. */
export function embedLength(embed: APIEmbed): number {
  return (
    (embed.title?.length ?? 0) +
    (embed.description?.length ?? 0) +
    (embed.author?.name.length ?? 0) +
    (embed.footer?.text.length ?? 0) +
    (embed.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0)
  );
}

function outletCount(story: Story): string {
  return story.heat === 1 ? "1 outlet" : `${story.heat} outlets`;
}

function storyImage(story: Story): string | null {
  return embedUrl(story.lead.image) ?? story.related.map((a) => embedUrl(a.image)).find((u) => u !== null) ?? null;
}

function distinctOutlets(articles: readonly StoryArticle[], except: string): string[] {
  const seen = new Set([except]);
  const out: string[] = [];
  for (const a of articles) {
    if (seen.has(a.provider.name)) continue;
    seen.add(a.provider.name);
    out.push(a.provider.name);
  }
  return out;
}

export interface StoryEmbedOptions {
  topics: TopicLookup;
  relatedEmoji: string;
  /** Longest excerpt to show (shorter in /news, where ten stories share one message's 6000 characters). */
  excerptMax?: number;
}

/** The post of one story: headline linking the lead, excerpt, image, outlet, time, topics, coverage. */
export function storyEmbed(story: Story, options: StoryEmbedOptions): APIEmbed {
  const { lead } = story;
  const topicInfos = story.topics.map((t) => options.topics(t)).filter((t) => t !== undefined);
  const others = distinctOutlets(story.related, lead.provider.name);
  // Sources are outlets: a second article from the lead's own outlet is not "another source".
  const more = others.length;
  let description = truncate(plain(lead.excerpt, options.excerptMax ?? 700), options.excerptMax ?? 700);
  if (more > 0) {
    const names = truncate(others.map((o) => plain(o, 100)).join(", "), 300);
    const label = `+${more} more ${more === 1 ? "source" : "sources"}`;
    description = `${description}${description ? "\n\n" : ""}**${label}**${names ? `: ${names}` : ""}`;
  }
  const footer = [
    topicInfos.map((t) => t.name).join(" · "),
    `${outletCount(story)} · react ${options.relatedEmoji} for related coverage`,
  ]
    .filter(Boolean)
    .join(" — ");
  const embed: APIEmbed = {
    title: truncate(plain(lead.title, EMBED_LIMITS.title), EMBED_LIMITS.title) || "(untitled)",
    description: truncate(description, EMBED_LIMITS.description) || undefined,
    color: topicInfos[0]?.color ?? NEUTRAL_COLOR,
    author: {
      name: truncate(lead.provider.name.replace(/\s+/g, " ").trim(), EMBED_LIMITS.author) || lead.provider.domain,
    },
    footer: { text: truncate(footer, EMBED_LIMITS.footer) },
  };
  const url = embedUrl(lead.url);
  if (url) embed.url = url;
  const site = embedUrl(`https://${lead.provider.domain}`);
  if (site && embed.author) embed.author.url = site;
  const image = storyImage(story);
  if (image) embed.image = { url: image };
  const time = Date.parse(lead.publishedAt);
  if (Number.isFinite(time)) embed.timestamp = new Date(time).toISOString();
  return embed;
}

/** The related-coverage answer: every outlet's headline as a link with its time, the lead first. */
export function relatedEmbed(story: Story, options: Pick<StoryEmbedOptions, "topics">): APIEmbed {
  const articles = [story.lead, ...story.related];
  const lines: string[] = [];
  let used = 0;
  const budget = EMBED_LIMITS.description - 40;
  for (const [i, a] of articles.entries()) {
    const when = Number.isFinite(Date.parse(a.publishedAt))
      ? ` · <t:${Math.floor(Date.parse(a.publishedAt) / 1000)}:R>`
      : "";
    const url = embedUrl(a.url);
    const headline = url ? `[${linkLabel(a.title, 180)}](${url})` : linkLabel(a.title, 180);
    const line = `**${truncate(plain(a.provider.name, 80), 80)}** · ${headline}${when}`;
    if (used + line.length + 1 > budget) {
      lines.push(`…and ${articles.length - i} more`);
      break;
    }
    lines.push(line);
    used += line.length + 1;
  }
  const topic = story.topics.map((t) => options.topics(t)).find((t) => t !== undefined);
  return {
    title: truncate(`Related coverage: ${plain(story.lead.title, EMBED_LIMITS.title)}`, EMBED_LIMITS.title),
    description: lines.join("\n"),
    color: topic?.color ?? NEUTRAL_COLOR,
    footer: { text: `${outletCount(story)} · ${articles.length} ${articles.length === 1 ? "article" : "articles"}` },
  };
}

/**
 * Up to ten story embeds for one message (/news), shrinking excerpts so the whole message stays
 * within Discord's 6000-character total.
 */
export function storyListEmbeds(stories: readonly Story[], options: StoryEmbedOptions): APIEmbed[] {
  const list = stories.slice(0, EMBED_LIMITS.perMessage);
  for (const excerptMax of [300, 160, 80, 0]) {
    const embeds = list.map((s) => storyEmbed(s, { ...options, excerptMax }));
    if (embeds.reduce((n, e) => n + embedLength(e), 0) <= EMBED_LIMITS.total) return embeds;
  }
  // Even bare headlines do not fit (ten 256-character titles and long outlet names): 600 characters each.
  return list.map((s) => {
    const e = storyEmbed(s, { ...options, excerptMax: 0 });
    e.description = undefined;
    e.title = truncate(e.title ?? "", 200);
    if (e.author) e.author.name = truncate(e.author.name, 100);
    e.footer = { text: truncate(e.footer?.text ?? "", 200) };
    return e;
  });
}
