import type { Collection, Store } from "../store/store.js";
import { deliveryKey } from "./posts.js";

/**
 * One pending delivery of a story to a channel. There is at most one per (story, channel): a pending
 * post absorbs later changes (it renders the story as it is when sent), and pending edits merge.
 */
export interface Delivery {
  id: string;
  storyId: string;
  guildId: string;
  channelId: string;
  kind: "post" | "edit";
  /** Epoch ms before which the delivery must not be attempted (backoff, edit debounce). */
  notBefore: number;
  attempts: number;
  createdAt: string;
  /** Bumped by every enqueue, so a worker finishing an older revision does not drop a newer one. */
  revision: number;
  lastError?: string;
  /**
   * Set just before a send whose outcome may never be learnt (a crash, a timeout): the next attempt
   * first checks whether the message landed, so a retry cannot post twice.
   */
  inFlightSince?: number;
}

export type DeadDelivery = Delivery & { deadAt: string; reason: string };

export class Outbox {
  private readonly pending: Collection<Delivery>;
  private readonly claims: Collection<string>;
  private readonly dead: Collection<DeadDelivery>;

  constructor(
    store: Store,
    private readonly now: () => number = Date.now,
  ) {
    this.pending = store.collection<Delivery>("outbox");
    this.claims = store.collection<string>("outbox-claims");
    this.dead = store.collection<DeadDelivery>("outbox-dead", { ttlMs: 14 * 86_400_000 });
  }

  /** Queues a post unless one (or any delivery) is already pending for the pair. */
  async enqueuePost(target: { storyId: string; guildId: string; channelId: string }): Promise<boolean> {
    const id = deliveryKey(target.storyId, target.channelId);
    return this.pending.add(id, {
      id,
      ...target,
      kind: "post",
      notBefore: this.now(),
      attempts: 0,
      createdAt: new Date(this.now()).toISOString(),
      revision: 1,
    });
  }

  /** Queues an edit no earlier than `notBefore`; merges with whatever is pending for the pair. */
  async enqueueEdit(target: { storyId: string; guildId: string; channelId: string }, notBefore: number): Promise<void> {
    const id = deliveryKey(target.storyId, target.channelId);
    const existing = await this.pending.get(id);
    if (existing) {
      // A pending post or edit will render the story as it is then; only the revision must move.
      await this.pending.set(id, { ...existing, revision: existing.revision + 1 });
      return;
    }
    await this.pending.set(id, {
      id,
      ...target,
      kind: "edit",
      notBefore,
      attempts: 0,
      createdAt: new Date(this.now()).toISOString(),
      revision: 1,
    });
  }

  /** Deliveries due now, oldest first. */
  async due(limit = Number.POSITIVE_INFINITY): Promise<Delivery[]> {
    const now = this.now();
    const out: Delivery[] = [];
    for await (const [, d] of this.pending.entries()) if (d.notBefore <= now) out.push(d);
    out.sort((a, b) => a.notBefore - b.notBefore || a.createdAt.localeCompare(b.createdAt));
    return out.slice(0, limit);
  }

  /** Every pending delivery: for metrics and the operator. */
  async depth(): Promise<number> {
    let n = 0;
    for await (const _ of this.pending.entries()) n++;
    return n;
  }

  get(id: string): Promise<Delivery | undefined> {
    return this.pending.get(id);
  }

  /** Takes the delivery for `leaseMs`: across processes sharing the store, exactly one wins. */
  claim(id: string, owner: string, leaseMs: number): Promise<boolean> {
    return this.claims.add(id, owner, leaseMs);
  }

  async release(id: string, owner: string): Promise<void> {
    if ((await this.claims.get(id)) === owner) await this.claims.delete(id);
  }

  async update(delivery: Delivery): Promise<void> {
    await this.pending.set(delivery.id, delivery);
  }

  /** Done: removes the delivery unless it was re-enqueued meanwhile (then it runs again, fresh). */
  async complete(delivery: Delivery): Promise<void> {
    const current = await this.pending.get(delivery.id);
    if (!current) return;
    if (current.revision === delivery.revision) {
      await this.pending.delete(delivery.id);
      return;
    }
    await this.pending.set(delivery.id, {
      ...current,
      kind: "edit",
      attempts: 0,
      inFlightSince: undefined,
      lastError: undefined,
    });
  }

  /** Gives up: removed from the queue, kept aside for the operator. */
  async bury(delivery: Delivery, reason: string): Promise<void> {
    await this.dead.set(delivery.id, { ...delivery, deadAt: new Date(this.now()).toISOString(), reason });
    await this.pending.delete(delivery.id);
  }

  /** Drops every pending delivery to a channel (it is gone, or paused). */
  async dropChannel(channelId: string): Promise<number> {
    let n = 0;
    for await (const [id, d] of this.pending.entries()) {
      if (d.channelId === channelId) {
        await this.pending.delete(id);
        n++;
      }
    }
    return n;
  }
}
