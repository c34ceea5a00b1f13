import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Deliverer } from "../../src/publish/deliverer.js";
import { Fanout } from "../../src/publish/fanout.js";
import { Outbox } from "../../src/publish/outbox.js";
import { PostRecords } from "../../src/publish/posts.js";
import { DeliveryError } from "../../src/publish/sink.js";
import { Subscriptions } from "../../src/publish/subscriptions.js";
import { openStore } from "../../src/store/keyv-store.js";
import type { Store } from "../../src/store/store.js";
import type { Story } from "../../src/stories/types.js";
import { article, FakeSink, story } from "./helpers.js";

const GUILD = "100000000000000001";
const CH_A = "200000000000000001";
const CH_B = "200000000000000002";
const CH_C = "200000000000000003";

/** A clock tests move by hand, so debounce and backoff need no waiting. */
class Clock {
  t = Date.parse("2026-11-25T12:00:00Z");
  now = () => this.t;
  advance(ms: number) {
    this.t += ms;
  }
}

function pipeline(store: Store, sink: FakeSink, clock: Clock, stories: Map<string, Story>) {
  const subscriptions = new Subscriptions(store, () => new Date(clock.t));
  const posts = new PostRecords(store);
  const outbox = new Outbox(store, clock.now);
  const fanout = new Fanout({
    subscriptions,
    posts,
    outbox,
    postableTopics: (s) => s.topics,
    maxPostAgeMs: 24 * 3_600_000,
    now: clock.now,
  });
  const deliverer = new Deliverer({
    outbox,
    posts,
    subscriptions,
    sink,
    getStory: async (id) => stories.get(id),
    editDebounceMs: 60_000,
    now: clock.now,
    retryBaseMs: 1_000,
    retryMaxMs: 60_000,
    maxAttempts: 5,
  });
  return { subscriptions, posts, outbox, fanout, deliverer };
}

describe("publisher: fan-out through the outbox", () => {
  let store: Store;
  let sink: FakeSink;
  let clock: Clock;
  let stories: Map<string, Story>;
  let p: ReturnType<typeof pipeline>;

  beforeEach(async () => {
    store = await openStore("memory:");
    sink = new FakeSink();
    clock = new Clock();
    stories = new Map();
    p = pipeline(store, sink, clock, stories);
    await p.subscriptions.subscribe(GUILD, CH_A, "ai");
    await p.subscriptions.subscribe(GUILD, CH_A, "ai-hardware");
    await p.subscriptions.subscribe(GUILD, CH_B, "ai-hardware");
    await p.subscriptions.subscribe(GUILD, CH_C, "security");
  });
  afterEach(() => store.close());

  const publish = async (s: Story, type: "created" | "grew" = "created") => {
    stories.set(s.id, s);
    await p.fanout.handle(type === "created" ? [{ type, story: s }] : [{ type, story: s, changes: ["article"] }]);
    return p.deliverer.drain();
  };

  it("posts a new story once to each channel subscribed to any of its topics", async () => {
    const s = story("s1", { topics: ["ai", "ai-hardware"], firstSeenAt: new Date(clock.t).toISOString() });
    await publish(s);
    expect(sink.inChannel(CH_A)).toHaveLength(1);
    expect(sink.inChannel(CH_B)).toHaveLength(1);
    expect(sink.inChannel(CH_C)).toHaveLength(0);
    expect(await p.outbox.depth()).toBe(0);
    expect((await p.posts.get("s1", CH_A))?.messageId).toBe(sink.inChannel(CH_A)[0]?.id);
    expect((await p.posts.byMessageId(sink.inChannel(CH_B)[0]!.id))?.storyId).toBe("s1");
  });

  it("edits the posted message when the story grows, after the debounce, never posting again", async () => {
    const s = story("s1", { topics: ["ai-hardware"], firstSeenAt: new Date(clock.t).toISOString() });
    await publish(s);
    const grown = { ...s, related: [article("r1")], heat: 2 };
    const report = await publish(grown, "grew");
    expect(report.outcomes.deferred).toBe(2);
    expect(sink.messages.every((m) => m.edits.length === 0)).toBe(true);

    clock.advance(61_000);
    await p.deliverer.drain();
    expect(sink.messages).toHaveLength(2);
    expect(sink.messages.every((m) => m.edits.length === 1 && m.edits[0]?.heat === 2)).toBe(true);

    // A second growth within the minute is merged into one later edit showing the latest state.
    const grownAgain = { ...grown, related: [article("r1"), article("r2")], heat: 3 };
    await publish(grownAgain, "grew");
    await publish({ ...grownAgain, related: [...grownAgain.related, article("r3")], heat: 4 }, "grew");
    clock.advance(61_000);
    await p.deliverer.drain();
    expect(sink.messages.every((m) => m.edits.length === 2 && m.edits[1]?.heat === 4)).toBe(true);
    expect(sink.messages).toHaveLength(2);
  });

  it("skips an edit when nothing the post shows has changed", async () => {
    const s = story("s1", { topics: ["security"], firstSeenAt: new Date(clock.t).toISOString() });
    await publish(s);
    clock.advance(120_000);
    const report = await publish({ ...s, updatedAt: new Date(clock.t).toISOString() }, "grew");
    expect(report.outcomes.unchanged).toBe(1);
    expect(sink.calls.filter((c) => c.startsWith("edit"))).toHaveLength(0);
  });

  it("does not post stories first seen longer ago than the maximum age", async () => {
    const old = story("old", { topics: ["ai"], firstSeenAt: new Date(clock.t - 25 * 3_600_000).toISOString() });
    await publish(old);
    expect(sink.messages).toHaveLength(0);
  });

  it("retries transient failures with backoff and loses nothing", async () => {
    let failures = 3;
    sink.fault = () => {
      if (failures-- > 0) throw new DeliveryError("transient", "HTTP 503");
    };
    const s = story("s1", { topics: ["ai-hardware"], firstSeenAt: new Date(clock.t).toISOString() });
    const first = await publish(s);
    expect(first.outcomes.retry).toBe(2);
    for (let i = 0; i < 10 && (await p.outbox.depth()) > 0; i++) {
      clock.advance(60_000);
      await p.deliverer.drain();
    }
    expect(sink.inChannel(CH_A)).toHaveLength(1);
    expect(sink.inChannel(CH_B)).toHaveLength(1);
  });

  it("gives up after the maximum attempts and keeps the delivery aside", async () => {
    sink.fault = () => {
      throw new DeliveryError("transient", "HTTP 502");
    };
    await publish(story("s1", { topics: ["security"], firstSeenAt: new Date(clock.t).toISOString() }));
    for (let i = 0; i < 10; i++) {
      clock.advance(120_000);
      await p.deliverer.drain();
    }
    expect(await p.outbox.depth()).toBe(0);
    const dead = store.collection<{ reason: string }>("outbox-dead");
    expect((await dead.get(`s1:${CH_C}`))?.reason).toBe("HTTP 502");
  });

  it("removes the subscription of a channel that is gone, pauses one that lacks permissions", async () => {
    sink.fault = (_op, channelId) => {
      if (channelId === CH_A) throw new DeliveryError("gone", "Unknown Channel");
      if (channelId === CH_B) throw new DeliveryError("forbidden", "Missing Permissions: Embed Links");
    };
    await publish(story("s1", { topics: ["ai-hardware"], firstSeenAt: new Date(clock.t).toISOString() }));
    expect(await p.subscriptions.get(CH_A)).toBeUndefined();
    const paused = await p.subscriptions.get(CH_B);
    expect(paused?.status).toBe("paused");
    expect(paused?.pausedReason).toContain("Embed Links");
    expect(await p.outbox.depth()).toBe(0);

    // A paused channel receives nothing until an admin subscribes it again.
    sink.fault = null;
    await publish(story("s2", { topics: ["ai-hardware"], firstSeenAt: new Date(clock.t).toISOString() }));
    expect(sink.inChannel(CH_B)).toHaveLength(0);
    await p.subscriptions.subscribe(GUILD, CH_B, "ai-hardware");
    await publish(story("s3", { topics: ["ai-hardware"], firstSeenAt: new Date(clock.t).toISOString() }));
    expect(sink.inChannel(CH_B)).toHaveLength(1);
  });

  it("forgets a post deleted in Discord instead of reposting it", async () => {
    const s = story("s1", { topics: ["security"], firstSeenAt: new Date(clock.t).toISOString() });
    await publish(s);
    sink.messages.length = 0;
    clock.advance(120_000);
    await publish({ ...s, heat: 2, related: [article("r1")] }, "grew");
    expect(await p.posts.get("s1", CH_C)).toBeUndefined();
    expect(sink.calls.filter((c) => c.startsWith("post"))).toHaveLength(1);
  });

  it("does not post twice when the answer to a post is lost (nonce, then recent-message check)", async () => {
    const s = story("s1", { topics: ["security"], firstSeenAt: new Date(clock.t).toISOString() });
    stories.set(s.id, s);
    sink.afterCreate = () => {
      sink.afterCreate = null;
      throw new DeliveryError("transient", "socket hang up", true);
    };
    await p.fanout.handle([{ type: "created", story: s }]);
    expect((await p.deliverer.drain()).outcomes.retry).toBe(1);
    // Long after Discord forgot the nonce: the retry must look before posting.
    sink.nonceWindowOpen = false;
    clock.advance(10 * 60_000);
    expect((await p.deliverer.drain()).outcomes.recovered).toBe(1);
    expect(sink.inChannel(CH_C)).toHaveLength(1);
    expect((await p.posts.get("s1", CH_C))?.messageId).toBe(sink.inChannel(CH_C)[0]?.id);
  });

  it("lets two workers drain one outbox without sending any pair twice", async () => {
    for (let i = 0; i < 30; i++)
      await p.subscriptions.subscribe(GUILD, `3000000000000000${String(i).padStart(2, "0")}`, "ai");
    const second = pipeline(store, sink, clock, stories);
    const s = story("s1", { topics: ["ai"], firstSeenAt: new Date(clock.t).toISOString() });
    stories.set(s.id, s);
    await p.fanout.handle([{ type: "created", story: s }]);
    // Both workers see the one shared outbox.
    expect(await second.outbox.depth()).toBe(31);
    await Promise.all([p.deliverer.drain(), second.deliverer.drain()]);
    const perChannel = new Map<string, number>();
    for (const m of sink.messages) perChannel.set(m.channelId, (perChannel.get(m.channelId) ?? 0) + 1);
    expect(perChannel.size).toBe(31);
    expect([...perChannel.values()].every((n) => n === 1)).toBe(true);
    expect(sink.calls.filter((c) => c.startsWith("post"))).toHaveLength(31);
  });
});

describe("publisher: restart", () => {
  it("resumes a queued fan-out from the SQLite outbox after a restart, each pair once", async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "newsdesk-outbox-")), "store.sqlite");
    const sink = new FakeSink();
    const clock = new Clock();
    const stories = new Map<string, Story>();
    const s = story("s1", { topics: ["ai"], firstSeenAt: new Date(clock.t).toISOString() });
    stories.set(s.id, s);

    const first = await openStore(`sqlite://${file}`);
    const a = pipeline(first, sink, clock, stories);
    for (let i = 0; i < 5; i++) await a.subscriptions.subscribe(GUILD, `40000000000000000${i}`, "ai");
    await a.fanout.handle([{ type: "created", story: s }]);
    // The process dies after two posts: the rest must still go out, and the two must not repeat.
    let budget = 2;
    sink.fault = () => {
      if (budget-- <= 0) throw new Error("process killed");
    };
    await a.deliverer.drain();
    await first.close();

    sink.fault = null;
    const second = await openStore(`sqlite://${file}`);
    const b = pipeline(second, sink, clock, stories);
    clock.advance(5 * 60_000);
    await b.deliverer.drain();
    await second.close();
    expect(sink.messages).toHaveLength(5);
    expect(new Set(sink.messages.map((m) => m.channelId)).size).toBe(5);
  });
});
