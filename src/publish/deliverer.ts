import { createHash, randomUUID } from "node:crypto";
import pLimit from "p-limit";
import { type Logger, silentLogger } from "../log.js";
import type { Story } from "../stories/types.js";
import { backoffDelay } from "../util/backoff.js";
import type { Delivery, Outbox } from "./outbox.js";
import type { PostRecords } from "./posts.js";
import { DeliveryError, relatedSignature, type StorySink, storySignature } from "./sink.js";
import type { Subscriptions } from "./subscriptions.js";

export interface DelivererOptions {
  outbox: Outbox;
  posts: PostRecords;
  subscriptions: Subscriptions;
  sink: StorySink;
  /** The story as it is now: deliveries render the latest state, not the state when queued. */
  getStory: (id: string) => Promise<Story | undefined>;
  /** At most one edit of a message per this many ms. */
  editDebounceMs: number;
  log?: Logger;
  now?: () => number;
  /** Deliveries sent at once; the REST client still paces them by Discord's rate limits. */
  concurrency?: number;
  /** Transient failures before a delivery is given up. */
  maxAttempts?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** How long a claim protects a delivery from other workers. */
  leaseMs?: number;
  /** Identifies this worker in claims. */
  owner?: string;
  /** Metrics hook. */
  onOutcome?: (outcome: DeliveryOutcome, delivery: Delivery) => void;
}

export type DeliveryOutcome =
  | "posted"
  | "recovered"
  | "edited"
  | "unchanged"
  | "deferred"
  | "retry"
  | "dropped"
  | "skipped"
  | "failed";

export interface DrainReport {
  attempted: number;
  outcomes: Partial<Record<DeliveryOutcome, number>>;
}

/** Idempotency key for Discord's `nonce` (at most 25 characters), the same for every attempt at a pair. */
export function nonceFor(deliveryId: string): string {
  return createHash("sha256").update(deliveryId).digest("base64url").slice(0, 25);
}

/**
 * Drains the outbox: claims each due delivery, renders the story as it is now, posts or edits it,
 * and decides what a failure means (retry, pause, drop). Several workers (processes) may drain one
 * shared outbox; claims keep them off each other's deliveries.
 */
export class Deliverer {
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly limit: ReturnType<typeof pLimit>;
  private readonly owner: string;
  private readonly maxAttempts: number;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;
  private readonly leaseMs: number;
  private draining: Promise<DrainReport> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(private readonly opts: DelivererOptions) {
    this.log = opts.log ?? silentLogger;
    this.now = opts.now ?? Date.now;
    this.limit = pLimit(opts.concurrency ?? 32);
    this.owner = opts.owner ?? randomUUID();
    this.maxAttempts = opts.maxAttempts ?? 12;
    this.retryBaseMs = opts.retryBaseMs ?? 5_000;
    this.retryMaxMs = opts.retryMaxMs ?? 30 * 60_000;
    this.leaseMs = opts.leaseMs ?? 120_000;
  }

  /** One pass over the due deliveries. Concurrent calls share the pass in progress. */
  drain(): Promise<DrainReport> {
    if (!this.draining) {
      this.draining = this.drainOnce().finally(() => {
        this.draining = null;
      });
    }
    return this.draining;
  }

  /** Drains every `intervalMs` (and whenever `kick` is called) until `stop`. */
  start(intervalMs = 2_000): void {
    this.stopped = false;
    const tick = () => {
      if (this.stopped) return;
      this.drain()
        .catch((err) => this.log.error({ err }, "outbox drain failed"))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, intervalMs);
        });
    };
    this.timer = setTimeout(tick, 0);
  }

  kick(): void {
    if (!this.stopped) void this.drain().catch((err) => this.log.error({ err }, "outbox drain failed"));
  }

  /** Stops scheduling and waits for the deliveries in flight; unsent ones stay in the outbox. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    // Queued deliveries see `stopped` and return at once (clearing the queue would leave the drain
    // waiting forever on promises that never settle).
    await this.draining?.catch(() => undefined);
  }

  private async drainOnce(): Promise<DrainReport> {
    const due = await this.opts.outbox.due();
    const report: DrainReport = { attempted: 0, outcomes: {} };
    await Promise.all(
      due.map((d) =>
        this.limit(async () => {
          if (this.stopped) return;
          const outcome = await this.deliverClaimed(d);
          if (outcome === "skipped") return;
          report.attempted++;
          report.outcomes[outcome] = (report.outcomes[outcome] ?? 0) + 1;
          this.opts.onOutcome?.(outcome, d);
        }),
      ),
    );
    return report;
  }

  private async deliverClaimed(queued: Delivery): Promise<DeliveryOutcome> {
    const { outbox } = this.opts;
    if (!(await outbox.claim(queued.id, this.owner, this.leaseMs))) return "skipped";
    try {
      // Re-read under the claim: another worker may have finished it between listing and claiming.
      const delivery = await outbox.get(queued.id);
      if (!delivery || delivery.notBefore > this.now()) return "skipped";
      return await this.deliver(delivery);
    } catch (err) {
      this.log.error({ err, delivery: queued.id }, "delivery crashed; it stays queued");
      return "failed";
    } finally {
      await outbox.release(queued.id, this.owner).catch(() => undefined);
    }
  }

  private async deliver(delivery: Delivery): Promise<DeliveryOutcome> {
    const { outbox, posts } = this.opts;
    const log = this.log.child({ delivery: delivery.id, story: delivery.storyId, channel: delivery.channelId });
    const story = await this.opts.getStory(delivery.storyId);
    if (!story) {
      log.info("story no longer in the window; delivery dropped");
      await outbox.complete(delivery);
      return "dropped";
    }
    const post = await posts.get(delivery.storyId, delivery.channelId);
    try {
      if (!post) {
        if (delivery.kind === "edit") {
          await outbox.complete(delivery);
          return "dropped";
        }
        return await this.post(delivery, story, log);
      }
      return await this.edit(delivery, story, post, log);
    } catch (err) {
      return this.fail(delivery, err, log);
    }
  }

  private async post(delivery: Delivery, story: Story, log: Logger): Promise<DeliveryOutcome> {
    const { outbox, posts, sink } = this.opts;
    let messageId: string | null = null;
    let outcome: DeliveryOutcome = "posted";
    if (delivery.inFlightSince !== undefined) {
      // An earlier attempt may have landed without us learning it: look before posting again.
      messageId = await sink.findRecentPost(delivery.channelId, story);
      if (messageId) outcome = "recovered";
    }
    if (!messageId) {
      await outbox.update({ ...delivery, inFlightSince: this.now() });
      ({ messageId } = await sink.post(delivery.channelId, story, nonceFor(delivery.id)));
    }
    await posts.save({
      storyId: story.id,
      guildId: delivery.guildId,
      channelId: delivery.channelId,
      messageId,
      postedAt: new Date(this.now()).toISOString(),
      signature: storySignature(story),
    });
    await outbox.complete(delivery);
    log.info({ message: messageId }, outcome === "posted" ? "story posted" : "earlier post found; not posted again");
    return outcome;
  }

  private async edit(
    delivery: Delivery,
    story: Story,
    post: NonNullable<Awaited<ReturnType<PostRecords["get"]>>>,
    log: Logger,
  ): Promise<DeliveryOutcome> {
    const { outbox, posts, sink } = this.opts;
    const lastTouch = Date.parse(post.lastEditAt ?? post.postedAt);
    const earliest = lastTouch + this.opts.editDebounceMs;
    if (earliest > this.now()) {
      await outbox.update({ ...delivery, kind: "edit", notBefore: earliest });
      return "deferred";
    }
    const signature = storySignature(story);
    const relatedSig = relatedSignature(story);
    const postChanged = signature !== post.signature;
    const relatedChanged = post.related !== undefined && post.related.signature !== relatedSig;
    if (!postChanged && !relatedChanged) {
      await outbox.complete(delivery);
      return "unchanged";
    }
    if (postChanged) await sink.edit(post.channelId, post.messageId, story);
    let related = post.related;
    if (related && relatedChanged) {
      try {
        await sink.editRelated(related.channelId, related.messageId, story);
        related = { ...related, signature: relatedSig };
      } catch (err) {
        // The answer (or its thread) may be gone; the post itself was edited, which is what matters.
        log.warn({ err }, "could not edit the related-coverage answer");
        if (err instanceof DeliveryError && err.failure !== "transient") related = undefined;
      }
    }
    await posts.save({ ...post, signature, related, lastEditAt: new Date(this.now()).toISOString() });
    await outbox.complete(delivery);
    log.info({ message: post.messageId }, "story post edited");
    return "edited";
  }

  private async fail(delivery: Delivery, err: unknown, log: Logger): Promise<DeliveryOutcome> {
    const { outbox, posts, subscriptions } = this.opts;
    const failure = err instanceof DeliveryError ? err.failure : "transient";
    const message = err instanceof Error ? err.message : String(err);
    switch (failure) {
      case "gone":
        log.warn({ reason: message }, "channel is gone; subscription removed");
        await subscriptions.removeChannel(delivery.channelId);
        await outbox.dropChannel(delivery.channelId);
        return "dropped";
      case "forbidden":
        log.warn({ reason: message }, "missing permission; subscription paused");
        await subscriptions.pause(delivery.channelId, message);
        await outbox.dropChannel(delivery.channelId);
        return "dropped";
      case "message_gone": {
        log.info("story post was deleted in Discord; it will not be reposted");
        const post = await posts.get(delivery.storyId, delivery.channelId);
        if (post) await posts.remove(post);
        await outbox.complete(delivery);
        return "dropped";
      }
      case "rejected":
        log.error({ reason: message }, "Discord rejected the delivery; given up");
        await outbox.bury(delivery, message);
        return "failed";
      case "transient": {
        const attempts = delivery.attempts + 1;
        const unknownOutcome = err instanceof DeliveryError ? err.outcomeUnknown : true;
        if (attempts >= this.maxAttempts) {
          log.error({ reason: message, attempts }, "delivery failed too many times; given up");
          await outbox.bury(delivery, message);
          return "failed";
        }
        const delay = backoffDelay(attempts, this.retryBaseMs, this.retryMaxMs);
        await outbox.update({
          ...delivery,
          attempts,
          lastError: message,
          notBefore: this.now() + delay,
          // Keep the marker only when the request may have landed; a clear refusal did not post.
          inFlightSince: unknownOutcome ? (delivery.inFlightSince ?? this.now()) : undefined,
        });
        log.warn({ reason: message, attempts, retryInMs: delay }, "delivery failed; will retry");
        return "retry";
      }
    }
  }
}
