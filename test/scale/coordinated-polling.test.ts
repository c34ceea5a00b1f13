import type { RunCoordinator } from "node-cron";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/log.js";
import { startCoordinatedPolling } from "../../src/scale/coordinated-polling.js";
import type { StoreRunCoordinator } from "../../src/scale/run-coordinator.js";
import type { Store } from "../../src/store/store.js";
import { redisNamespace, redisUnavailable, reportUnavailable, sleep } from "./redis.js";

const unavailable = await redisUnavailable();

/** A story window whose reloads take a while and record how many ran at once. */
function slowWindow() {
  const window = { reloads: 0, running: 0, maxRunning: 0 };
  return {
    window,
    stories: {
      async refresh() {
        window.running++;
        window.maxRunning = Math.max(window.maxRunning, window.running);
        await sleep(60);
        window.running--;
        window.reloads++;
      },
    },
  };
}

describe("startCoordinatedPolling", () => {
  if (unavailable) {
    reportUnavailable(unavailable);
    return;
  }
  const ns = redisNamespace();
  let storeA: Store;
  let storeB: Store;
  const started: StoreRunCoordinator[] = [];

  beforeAll(async () => {
    storeA = await ns.open();
    storeB = await ns.open();
  });
  afterAll(async () => {
    for (const c of started) await c.close();
    await storeA?.close();
    await storeB?.close();
    await ns.cleanup();
  });

  /** A process: the poller only records the node-cron options it was started with. */
  function member(store: Store) {
    const { window, stories } = slowWindow();
    const schedule: { options?: { distributed?: boolean; runCoordinator?: RunCoordinator } } = {};
    const poller = {
      start(options: { distributed?: boolean; runCoordinator?: RunCoordinator } = {}) {
        schedule.options = options;
        return undefined as never;
      },
    };
    const coordinator = startCoordinatedPolling({ poller, stories, store, leaseMs: 5_000, log: silentLogger });
    started.push(coordinator);
    return { window, schedule, coordinator };
  }

  it("schedules the poll as a distributed node-cron task run by the store's coordinator", async () => {
    const a = member(storeA);
    expect(a.schedule.options?.distributed).toBe(true);
    expect(a.schedule.options?.runCoordinator).toBe(a.coordinator);
    await a.coordinator.close();
  });

  it("reloads the window before the first tick it leads, and followers reload once per tick, never two at once", async () => {
    const a = member(storeA);
    const b = member(storeB);
    const tick = (n: number) => `newsdesk-poll:tick-${n}`;
    // Whoever leads did not run the previous tick: it reloads the window before running this one.
    const [ranA, ranB] = await Promise.all([
      a.coordinator.shouldRun(tick(1), 1_000),
      b.coordinator.shouldRun(tick(1), 1_000),
    ]);
    expect([ranA, ranB].filter(Boolean)).toHaveLength(1);
    const [leader, follower] = ranA ? [a, b] : [b, a];
    expect(leader.window.reloads).toBe(1);

    // Ticks come faster than a follower's reload: reloads queue one at a time, never overlap.
    for (let n = 2; n <= 4; n++) {
      expect(await follower.coordinator.shouldRun(tick(n), 1_000)).toBe(false);
      expect(await leader.coordinator.shouldRun(tick(n), 1_000)).toBe(true);
    }
    await sleep(300);
    expect(follower.window.maxRunning).toBe(1);
    expect(follower.window.reloads).toBeGreaterThanOrEqual(1);
    expect(follower.window.reloads).toBeLessThanOrEqual(3);
    // The leader ran every tick since without reloading again.
    expect(leader.window.reloads).toBe(1);
  });
});
