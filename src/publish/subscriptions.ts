import type { Collection, Store } from "../store/store.js";

/** A channel's subscription to one or more topics. One record per channel (a channel lives in one guild). */
export interface Subscription {
  guildId: string;
  channelId: string;
  topics: string[];
  status: "active" | "paused";
  /** Why deliveries to this channel are paused (e.g. a missing permission), shown in /subscriptions. */
  pausedReason?: string;
  pausedAt?: string;
  updatedAt: string;
}

export type SubscribeResult = { changed: boolean; subscription: Subscription };

/**
 * The channels that want each topic. Reads go to the store each time so that several processes
 * sharing Redis/PostgreSQL see each other's changes; the number of subscribed channels is small
 * next to the number of stories.
 */
export class Subscriptions {
  private readonly records: Collection<Subscription>;
  constructor(
    store: Store,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.records = store.collection<Subscription>("subscriptions");
  }

  async get(channelId: string): Promise<Subscription | undefined> {
    return this.records.get(channelId);
  }

  /** Adds the topic; re-subscribing a paused channel resumes it (the admin has fixed the cause). */
  async subscribe(guildId: string, channelId: string, topic: string): Promise<SubscribeResult> {
    const existing = await this.records.get(channelId);
    const topics = existing?.topics ?? [];
    const already = topics.includes(topic) && existing?.status === "active";
    if (already && existing) return { changed: false, subscription: existing };
    const subscription: Subscription = {
      guildId,
      channelId,
      topics: topics.includes(topic) ? topics : [...topics, topic].sort(),
      status: "active",
      updatedAt: this.now().toISOString(),
    };
    await this.records.set(channelId, subscription);
    return { changed: true, subscription };
  }

  /** Removes the topic; returns false when the channel was not subscribed to it. */
  async unsubscribe(channelId: string, topic: string): Promise<boolean> {
    const existing = await this.records.get(channelId);
    if (!existing?.topics.includes(topic)) return false;
    const topics = existing.topics.filter((t) => t !== topic);
    if (topics.length === 0) await this.records.delete(channelId);
    else await this.records.set(channelId, { ...existing, topics, updatedAt: this.now().toISOString() });
    return true;
  }

  async forGuild(guildId: string): Promise<Subscription[]> {
    const out: Subscription[] = [];
    for await (const [, sub] of this.records.entries()) if (sub.guildId === guildId) out.push(sub);
    return out.sort((a, b) => a.channelId.localeCompare(b.channelId));
  }

  /** Active channels subscribed to any of the topics, each once. */
  async channelsFor(topics: readonly string[]): Promise<Subscription[]> {
    if (topics.length === 0) return [];
    const wanted = new Set(topics);
    const out: Subscription[] = [];
    for await (const [, sub] of this.records.entries()) {
      if (sub.status === "active" && sub.topics.some((t) => wanted.has(t))) out.push(sub);
    }
    return out;
  }

  async pause(channelId: string, reason: string): Promise<void> {
    const existing = await this.records.get(channelId);
    if (!existing || existing.status === "paused") return;
    const at = this.now().toISOString();
    await this.records.set(channelId, {
      ...existing,
      status: "paused",
      pausedReason: reason,
      pausedAt: at,
      updatedAt: at,
    });
  }

  async removeChannel(channelId: string): Promise<boolean> {
    return this.records.delete(channelId);
  }

  async removeGuild(guildId: string): Promise<number> {
    const subs = await this.forGuild(guildId);
    await Promise.all(subs.map((s) => this.records.delete(s.channelId)));
    return subs.length;
  }
}
