import type { Poller } from "../feeds/poller.js";
import type { Logger } from "../log.js";
import type { Store } from "../store/store.js";
import { StoreRunCoordinator } from "./run-coordinator.js";

export interface CoordinatedPollingOptions {
  poller: Pick<Poller, "start">;
  /** The in-memory story window, rebuilt from the store by `refresh()`. */
  stories: { refresh(): Promise<void> };
  store: Store;
  /** How long a dead leader keeps the schedule before another process takes it (settings poll.leaderLease). */
  leaseMs: number;
  log: Logger;
}

/**
 * Starts the poll schedule as one member of a fleet sharing the store: each tick runs in one process
 * (the leader), which reloads the story window first when another process ran the previous tick;
 * followers reload theirs once per tick so `/news` and 🔗 answers stay current. A single process is
 * simply a fleet of one: it leads from its first tick.
 */
export function startCoordinatedPolling(options: CoordinatedPollingOptions): StoreRunCoordinator {
  const { log } = options;
  // One reload at a time: a follower's reload still running when the process becomes leader must
  // finish before the catch-up reload, or it could swap an older window in under the new grouping.
  let reloading: Promise<void> = Promise.resolve();
  let followerReloadQueued = false;
  const reload = () => {
    const next = reloading.then(() => options.stories.refresh());
    reloading = next.catch(() => undefined);
    return next;
  };
  const coordinator = new StoreRunCoordinator({
    store: options.store,
    name: "poll",
    leaseMs: options.leaseMs,
    log,
    catchUp: reload,
    onFollow: () => {
      if (followerReloadQueued) return;
      followerReloadQueued = true;
      reload()
        .catch((err) => log.warn({ err }, "could not reload the story window; serving the previous one"))
        .finally(() => {
          followerReloadQueued = false;
        });
    },
  });
  options.poller.start({ distributed: true, runCoordinator: coordinator });
  coordinator.start();
  return coordinator;
}
