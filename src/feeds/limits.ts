import pLimit, { type LimitFunction } from "p-limit";

/**
 * Politeness: at most `global` fetches at once overall and `perHost` at once to any one host.
 * A task first waits for its host, then for a global slot, so feeds queued behind a slow host
 * never hold global slots that other hosts could use.
 */
export class FetchLimiter {
  private readonly global: LimitFunction;
  private readonly hosts = new Map<string, LimitFunction>();

  constructor(
    globalConcurrency: number,
    private readonly perHost: number,
  ) {
    this.global = pLimit(globalConcurrency);
  }

  async run<T>(url: string, task: () => Promise<T>): Promise<T> {
    const host = hostOf(url);
    let limit = this.hosts.get(host);
    if (!limit) {
      limit = pLimit(this.perHost);
      this.hosts.set(host, limit);
    }
    const hostLimit = limit;
    try {
      return await hostLimit(() => this.global(task));
    } finally {
      // Forget idle hosts so the map does not grow with every host ever polled.
      if (hostLimit.activeCount === 0 && hostLimit.pendingCount === 0) this.hosts.delete(host);
    }
  }

  /** Hosts currently tracked (busy or queued); for tests and metrics. */
  get busyHosts(): number {
    return this.hosts.size;
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return url;
  }
}
