import { Counter, collectDefaultMetrics, Gauge, Registry } from "prom-client";
import type { CycleResult } from "../feeds/poller.js";
import type { DeliveryOutcome } from "../publish/deliverer.js";
import type { StoryEvent } from "../stories/types.js";

/**
 * The Prometheus metrics of one process. A registry of its own (not prom-client's global one), so
 * tests and several apps in one process do not collide.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly polls = new Counter({
    name: "newsdesk_polls_total",
    help: "Poll cycles run",
    registers: [this.registry],
  });
  private readonly feedFetches = new Counter({
    name: "newsdesk_feed_fetches_total",
    help: "Feed fetches by outcome (new_items, no_new_items, seeded, not_modified, failed, skipped)",
    labelNames: ["outcome"],
    registers: [this.registry],
  });
  private readonly fetchErrors = new Counter({
    name: "newsdesk_feed_fetch_errors_total",
    help: "Failed feed fetches by error kind",
    labelNames: ["kind"],
    registers: [this.registry],
  });
  private readonly articles = new Counter({
    name: "newsdesk_articles_total",
    help: "New articles emitted by the feed stage",
    registers: [this.registry],
  });
  private readonly stories = new Counter({
    name: "newsdesk_story_events_total",
    help: "Story events (created, grew)",
    labelNames: ["event"],
    registers: [this.registry],
  });
  private readonly deliveries = new Counter({
    name: "newsdesk_deliveries_total",
    help: "Outbox delivery attempts by outcome",
    labelNames: ["outcome"],
    registers: [this.registry],
  });
  private readonly rateLimits = new Counter({
    name: "newsdesk_discord_rate_limited_total",
    help: "429 answers from Discord (or waits imposed by its rate-limit headers), by scope",
    labelNames: ["global"],
    registers: [this.registry],
  });
  readonly lastPoll = new Gauge({
    name: "newsdesk_last_poll_timestamp_seconds",
    help: "When the last poll cycle finished",
    registers: [this.registry],
  });

  constructor(outboxDepth?: () => Promise<number>) {
    collectDefaultMetrics({ register: this.registry, prefix: "newsdesk_" });
    if (outboxDepth) {
      new Gauge({
        name: "newsdesk_outbox_depth",
        help: "Deliveries waiting in the outbox",
        registers: [this.registry],
        async collect() {
          this.set(await outboxDepth());
        },
      });
    }
  }

  cycle(result: CycleResult): void {
    this.polls.inc();
    this.articles.inc(result.articles.length);
    for (const r of result.results) {
      this.feedFetches.inc({ outcome: r.outcome });
      if (r.outcome === "failed" && r.error) this.fetchErrors.inc({ kind: r.error.kind });
    }
    this.lastPoll.set(Date.parse(result.finishedAt) / 1000);
  }

  storyEvents(events: readonly StoryEvent[]): void {
    for (const e of events) this.stories.inc({ event: e.type });
  }

  delivery(outcome: DeliveryOutcome): void {
    this.deliveries.inc({ outcome });
  }

  rateLimited(global: boolean): void {
    this.rateLimits.inc({ global: String(global) });
  }
}
