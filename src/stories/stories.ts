import type { Settings } from "../config/schema.js";
import type { Article } from "../feeds/article.js";
import { type Logger, silentLogger } from "../log.js";
import type { Collection, Store } from "../store/store.js";
import type { TopicMatcher } from "../topics/rules.js";
import { composeStory, postableTopics, titleScore, toStoryArticle } from "./curation.js";
import { type GroupableArticle, Grouper, type GrouperOptions } from "./grouper.js";
import type { Story, StoryArticle, StoryChange, StoryEvent } from "./types.js";

export interface StoriesOptions {
  store: Store;
  topics: TopicMatcher;
  settings: Settings["stories"];
  now?: () => Date;
  log?: Logger;
  /**
   * How long a story stays readable (`get`) after it leaves the grouping window, so reactions on its
   * posts can still show the related coverage. Default 7 days.
   */
  retainMs?: number;
  /** Tuning of the grouper (threshold, weights); the window always comes from `settings.window`. */
  grouper?: Partial<GrouperOptions>;
}

/** What the store holds per story: the record plus what a restart needs to resume grouping. */
interface StoredStory {
  story: Story;
  /** Article id → its identity keys (canonical URL, feed guid), so a restarted grouper still knows them. */
  keys: Record<string, string[]>;
}

const DAY_MS = 86_400_000;

function articleKeys(article: Article): string[] {
  const keys = [`url:${article.url}`];
  if (article.guid) keys.push(`guid:${article.feedId}:${article.guid}`);
  return keys;
}

function problemWith(article: Article): string | null {
  if (!article || typeof article !== "object") return "not an object";
  if (typeof article.id !== "string" || article.id === "") return "no id";
  if (typeof article.url !== "string" || article.url === "") return "no url";
  if (typeof article.title !== "string") return "no title";
  if (!article.provider || typeof article.provider.domain !== "string") return "no provider";
  return null;
}

/** What changed between two versions of one story, as the publisher needs it (post vs. which edit). */
export function storyChanges(before: Story, after: Story): StoryChange[] {
  const changes: StoryChange[] = [];
  const articlesOf = (s: Story) =>
    [s.lead, ...s.related]
      .map((a) => `${a.id}\u0000${a.title}`)
      .sort()
      .join("\n");
  if (articlesOf(before) !== articlesOf(after)) changes.push("article");
  if (before.lead.id !== after.lead.id || before.lead.title !== after.lead.title) changes.push("lead");
  if (before.topics.join() !== after.topics.join()) changes.push("topics");
  if (before.lead.image !== after.lead.image) changes.push("image");
  return changes;
}

/**
 * Stories over the store: groups incoming articles (through the pure `Grouper`), curates each story,
 * persists it with a TTL and reports what changed. The window's stories are also kept in memory, so
 * grouping and `/news` never scan the store; `open`/`refresh` rebuild them from it.
 */
export class Stories {
  private grouper!: Grouper;
  /** Stories of the grouping window, by id. */
  private window = new Map<string, StoredStory>();
  /** Stories whose latest version has not reached the store yet (a failed write is retried next time). */
  private readonly dirty = new Set<string>();
  private readonly collection: Collection<StoredStory>;
  private readonly now: () => Date;
  private readonly log: Logger;
  private readonly retainMs: number;

  private constructor(private readonly options: StoriesOptions) {
    this.collection = options.store.collection<StoredStory>("stories");
    this.now = options.now ?? (() => new Date());
    this.log = options.log ?? silentLogger;
    this.retainMs = options.retainMs ?? 7 * DAY_MS;
  }

  /** Opens the stories of the store and rebuilds the grouping index of the window (a restart resumes). */
  static async open(options: StoriesOptions): Promise<Stories> {
    const stories = new Stories(options);
    await stories.refresh();
    return stories;
  }

  /** Reloads the window from the store (another process may have written it). */
  async refresh(): Promise<void> {
    const windowMs = this.options.settings.window;
    const since = this.now().getTime() - windowMs;
    const loaded: StoredStory[] = [];
    for await (const [, stored] of this.collection.entries()) {
      if (stored?.story && Date.parse(stored.story.firstSeenAt) >= since) loaded.push(stored);
    }
    loaded.sort((a, b) => Date.parse(a.story.firstSeenAt) - Date.parse(b.story.firstSeenAt));
    const grouper = new Grouper({ ...this.options.grouper, windowMs });
    const window = new Map<string, StoredStory>();
    for (const stored of loaded) {
      const { story, keys } = stored;
      const firstSeen = Date.parse(story.firstSeenAt);
      const articles = [story.lead, ...story.related].sort(
        (a, b) => Date.parse(a.publishedAt) - Date.parse(b.publishedAt),
      );
      for (const a of articles) grouper.attach(story.id, this.groupable(a, keys[a.id] ?? []), firstSeen);
      window.set(story.id, stored);
    }
    for (const id of this.dirty) {
      // Not yet written: keep the in-memory version rather than lose it.
      const mine = this.window.get(id);
      if (mine && !window.has(id)) window.set(id, mine);
    }
    this.grouper = grouper;
    this.window = window;
    this.log.debug({ stories: window.size }, "story window loaded");
  }

  /**
   * Groups the articles in order. Returns at most one event per story: `created` (with the story as
   * it ends this call) or `grew` with every change of this call merged.
   */
  async ingest(articles: readonly Article[]): Promise<StoryEvent[]> {
    const now = this.now();
    this.expire(now.getTime());
    const before = new Map<string, Story | null>();
    for (const article of articles) {
      const problem = problemWith(article);
      if (problem) {
        this.log.warn({ article: (article as Partial<Article>)?.id, problem }, "article skipped");
        continue;
      }
      try {
        this.place(article, now, before);
      } catch (err) {
        this.log.error({ err, article: article.id }, "article could not be grouped");
      }
    }
    const events: StoryEvent[] = [];
    for (const [id, old] of before) {
      const current = this.window.get(id)?.story;
      if (!current) continue;
      if (old === null) events.push({ type: "created", story: current });
      else {
        const changes = storyChanges(old, current);
        if (changes.length > 0) events.push({ type: "grew", story: current, changes });
      }
    }
    await this.flush();
    return events;
  }

  async get(id: string): Promise<Story | undefined> {
    return this.window.get(id)?.story ?? (await this.collection.get(id))?.story;
  }

  /** The newest stories of the window (by first-seen) that curation lets be posted to the topic. */
  async latest(topic: string, limit: number): Promise<Story[]> {
    return [...this.window.values()]
      .map((s) => s.story)
      .filter((s) => this.postableTopics(s).includes(topic))
      .sort((a, b) => Date.parse(b.firstSeenAt) - Date.parse(a.firstSeenAt) || (a.id < b.id ? -1 : 1))
      .slice(0, Math.max(0, limit));
  }

  postableTopics(story: Story): string[] {
    return postableTopics(story, this.options.topics, this.options.settings.minQuality);
  }

  private groupable(a: StoryArticle, keys: readonly string[]): GroupableArticle {
    return { id: a.id, title: a.title, excerpt: a.excerpt, url: a.url, publishedAt: Date.parse(a.publishedAt), keys };
  }

  /** Drops stories that left the window from memory (the store keeps them until their TTL). */
  private expire(nowMs: number): void {
    for (const id of this.grouper.evictBefore(nowMs - this.options.settings.window)) {
      if (!this.dirty.has(id)) this.window.delete(id);
    }
    for (const [id, stored] of this.window) {
      if (!this.dirty.has(id) && Date.parse(stored.story.firstSeenAt) < nowMs - this.options.settings.window) {
        this.window.delete(id);
      }
    }
  }

  private place(article: Article, now: Date, before: Map<string, Story | null>): void {
    const nowMs = now.getTime();
    const published = Date.parse(article.publishedAt);
    // Feeds promise a past ISO time; a missing or future one counts as now, so it cannot hold a story open.
    const time = Number.isFinite(published) ? Math.min(published, nowMs) : nowMs;
    const incoming: StoryArticle = { ...toStoryArticle(article), publishedAt: new Date(time).toISOString() };
    const keys = articleKeys(article);
    const placed = this.grouper.add({ ...this.groupable(incoming, keys), publishedAt: time });
    const existing = this.window.get(placed.story);
    if (!before.has(placed.story))
      before.set(placed.story, placed.kind === "created" ? null : (existing?.story ?? null));

    let articles: StoryArticle[];
    let storyKeys: Record<string, string[]>;
    if (placed.kind !== "created" && !existing) {
      this.log.warn({ story: placed.story, article: article.id }, "grouped into a story no longer in memory; reopened");
    }
    if (placed.kind === "created" || !existing) {
      articles = [incoming];
      storyKeys = { [incoming.id]: keys };
    } else {
      articles = [existing.story.lead, ...existing.story.related];
      storyKeys = { ...existing.keys };
      if (placed.kind === "duplicate") {
        const i = articles.findIndex(
          (a) => a.id === article.id || keys.some((k) => storyKeys[a.id]?.includes(k) ?? false),
        );
        const same = articles[i];
        if (same) articles[i] = mergeSameArticle(same, incoming);
        else articles.push(incoming); // another guid of a known article id (should not happen): keep it
        const knownId = same?.id ?? article.id;
        storyKeys[knownId] = [...new Set([...(storyKeys[knownId] ?? []), ...keys])];
      } else {
        articles.push(incoming);
        storyKeys[incoming.id] = keys;
      }
    }
    const firstSeen = Math.min(time, existing ? Date.parse(existing.story.firstSeenAt) : time);
    const story = composeStory(placed.story, articles, this.options.topics, {
      firstSeenAt: new Date(firstSeen).toISOString(),
      updatedAt: now.toISOString(),
    });
    this.window.set(story.id, { story, keys: storyKeys });
    this.dirty.add(story.id);
  }

  /** Writes changed stories; on a store error they stay dirty and are written by the next call. */
  private async flush(): Promise<void> {
    const nowMs = this.now().getTime();
    for (const id of [...this.dirty]) {
      const stored = this.window.get(id);
      if (!stored) {
        this.dirty.delete(id);
        continue;
      }
      const expiresAt = Date.parse(stored.story.firstSeenAt) + this.options.settings.window + this.retainMs;
      try {
        await this.collection.set(id, stored, Math.max(1_000, expiresAt - nowMs));
        this.dirty.delete(id);
      } catch (err) {
        this.log.error({ err, story: id }, "story not saved; retrying with the next articles");
        return;
      }
    }
  }
}

/** The same article seen again: keep the better headline, fill in what the first copy lacked. */
function mergeSameArticle(known: StoryArticle, again: StoryArticle): StoryArticle {
  return {
    ...known,
    title: titleScore(again.title) > titleScore(known.title) ? again.title : known.title,
    excerpt: known.excerpt.trim() ? known.excerpt : again.excerpt,
    image: known.image ?? again.image,
    quality: Math.max(known.quality, again.quality),
    topics: [...new Set([...known.topics, ...again.topics])],
  };
}
