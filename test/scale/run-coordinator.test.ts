import cron from "node-cron";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StoreRunCoordinator } from "../../src/scale/run-coordinator.js";
import type { Store } from "../../src/store/store.js";
import { redisNamespace, redisUnavailable, reportUnavailable, sleep } from "./redis.js";

const unavailable = await redisUnavailable();
const LEASE = 400;

describe("StoreRunCoordinator over Redis", () => {
  if (unavailable) {
    reportUnavailable(unavailable);
    return;
  }
  const ns = redisNamespace();
  // Two stores: two connections, as two processes would have.
  let storeA: Store;
  let storeB: Store;
  const open: StoreRunCoordinator[] = [];
  let counter = 0;

  beforeAll(async () => {
    storeA = await ns.open();
    storeB = await ns.open();
  });
  afterAll(async () => {
    for (const c of open) await c.close();
    await storeA?.close();
    await storeB?.close();
    await ns.cleanup();
  });

  /** Two processes coordinating one schedule; each test gets its own schedule name. */
  function pair(extra: { catchUpA?: () => Promise<void>; catchUpB?: () => Promise<void> } = {}) {
    const name = `t${++counter}`;
    const a = new StoreRunCoordinator({ store: storeA, name, leaseMs: LEASE, owner: "A", catchUp: extra.catchUpA });
    const b = new StoreRunCoordinator({ store: storeB, name, leaseMs: LEASE, owner: "B", catchUp: extra.catchUpB });
    open.push(a, b);
    return { a, b, slot: (i: number) => `${name}:2026-11-25T16:00:${String(i).padStart(2, "0")}.000Z` };
  }

  it("runs each slot in exactly one process, and keeps it in the same one", async () => {
    const { a, b, slot } = pair();
    const winners: string[] = [];
    for (let i = 0; i < 12; i++) {
      const [ra, rb] = await Promise.all([a.shouldRun(slot(i), 1_000), b.shouldRun(slot(i), 1_000)]);
      expect([ra, rb].filter(Boolean)).toHaveLength(1);
      winners.push(ra ? "A" : "B");
    }
    expect(new Set(winners).size).toBe(1);
  });

  it("never runs a slot twice, even for the leader asking again", async () => {
    const { a, b, slot } = pair();
    expect(await a.decide(slot(1), 1_000)).toBe("run");
    expect(await a.decide(slot(1), 1_000)).toBe("taken");
    expect(await b.decide(slot(1), 1_000)).toBe("follower");
  });

  it("hands the schedule to the other process once a dead leader's lease expires", async () => {
    const caughtUp: string[] = [];
    const { a, b, slot } = pair({
      catchUpA: async () => {
        caughtUp.push("A");
      },
      catchUpB: async () => {
        caughtUp.push("B");
      },
    });
    expect(await a.decide(slot(1), 1_000)).toBe("run");
    expect(caughtUp).toEqual(["A"]);
    // A "crashes": it stops renewing without handing the lease back.
    expect(await b.decide(slot(2), 1_000)).toBe("follower");
    await sleep(LEASE + 150);
    expect(await b.decide(slot(3), 1_000)).toBe("run");
    expect(b.isLeader).toBe(true);
    // B must reload what A changed before it runs anything.
    expect(caughtUp).toEqual(["A", "B"]);
    expect(await b.decide(slot(4), 1_000)).toBe("run");
    expect(caughtUp).toEqual(["A", "B"]);
    // A comes back: it follows, and catches up again if it ever leads again.
    expect(await a.decide(slot(5), 1_000)).toBe("follower");
  });

  it("keeps leadership between ticks through its heartbeat, and hands it over at once on close", async () => {
    const { a, b, slot } = pair();
    expect(await a.decide(slot(1), 1_000)).toBe("run");
    a.start();
    await sleep(LEASE * 3);
    expect(await b.decide(slot(2), 1_000)).toBe("follower");
    await a.close();
    expect(await b.decide(slot(3), 1_000)).toBe("run");
  });

  it("hands the lease over on close even while a heartbeat renewal is under way", async () => {
    const { a, b, slot } = pair();
    expect(await a.decide(slot(1), 1_000)).toBe("run");
    // The heartbeat's renewal and the shutdown race: the renewal must not write the lease back.
    const renewing = a.holdLeadership();
    await a.close();
    await renewing;
    expect(await b.decide(slot(2), 1_000)).toBe("run");
  });

  it("lets a follower refresh what it serves once per skipped slot", async () => {
    const name = `t${++counter}`;
    let follows = 0;
    const a = new StoreRunCoordinator({ store: storeA, name, leaseMs: LEASE });
    const b = new StoreRunCoordinator({ store: storeB, name, leaseMs: LEASE, onFollow: () => follows++ });
    open.push(a, b);
    expect(await a.shouldRun(`${name}:1`, 1_000)).toBe(true);
    expect(await b.shouldRun(`${name}:1`, 1_000)).toBe(false);
    expect(await b.shouldRun(`${name}:2`, 1_000)).toBe(false);
    expect(follows).toBe(2);
  });

  it("skips the tick, without throwing, while the store is unreachable", async () => {
    const store = await ns.open();
    const coordinator = new StoreRunCoordinator({ store, name: `t${++counter}`, leaseMs: LEASE });
    await store.close();
    expect(await coordinator.shouldRun(`down:1`, 1_000)).toBe(false);
  });

  it("drives two node-cron tasks so each tick runs once across both", async () => {
    const name = `cron${++counter}`;
    const runs: Array<{ who: string; slot: string }> = [];
    const tasks = ["A", "B"].map((who) => {
      const coordinator = new StoreRunCoordinator({
        store: who === "A" ? storeA : storeB,
        name,
        leaseMs: 5_000,
      });
      open.push(coordinator);
      return cron.schedule(
        "* * * * * *",
        (ctx) => {
          runs.push({ who, slot: ctx.date.toISOString() });
        },
        { name, distributed: true, runCoordinator: coordinator, noOverlap: true },
      );
    });
    try {
      const until = Date.now() + 8_000;
      while (runs.length < 3 && Date.now() < until) await sleep(100);
    } finally {
      for (const t of tasks) await t.destroy();
    }
    expect(runs.length).toBeGreaterThanOrEqual(3);
    const slots = runs.map((r) => r.slot);
    expect(new Set(slots).size).toBe(slots.length);
    expect(new Set(runs.map((r) => r.who)).size).toBe(1);
  }, 15_000);
});
