import { randomUUID } from "node:crypto";
import type { RunCoordinator } from "node-cron";
import { type Logger, silentLogger } from "../log.js";
import type { Collection, Store } from "../store/store.js";

export interface StoreRunCoordinatorOptions {
  store: Store;
  /**
   * Names what is coordinated ("poll"): processes with the same name elect one leader. Each scheduled
   * task needs its own coordinator and name.
   */
  name: string;
  /**
   * How long leadership outlives a leader that stopped renewing it (crashed, frozen, cut off):
   * the longest a fleet goes without a leader. Renewed every `leaseMs / 3`.
   */
  leaseMs: number;
  /**
   * How long a slot's "taken" mark is kept. It must outlast the clock skew between hosts, so a host
   * whose clock is late cannot run a slot again; node-cron's own `distributedLease` is used when longer.
   */
  slotTtlMs?: number;
  /** Identifies this process in the store; a fresh id per process by default. */
  owner?: string;
  log?: Logger;
  /**
   * Awaited before this process runs a slot when another process ran the previous one (or it never
   * ran one): state kept in memory may be stale, e.g. the story window another leader grew.
   */
  catchUp?: () => Promise<void>;
  /**
   * Called, not awaited, when this process skips a slot because another leads: a follower can
   * refresh what it serves from memory (`/news`) once per schedule.
   */
  onFollow?: () => void;
}

/** What one `shouldRun` decided, for logs and tests. */
export type SlotDecision = "run" | "follower" | "taken";

/** A slot mark is small; an hour covers any sane clock skew and any schedule's missed-run tolerance. */
const DEFAULT_SLOT_TTL_MS = 60 * 60_000;
const LEADER_KEY = "leader";
const LAST_RUNNER_KEY = "last-runner";

/**
 * node-cron's `RunCoordinator` over the shared store, so a schedule runs once across the fleet.
 *
 * Two mechanisms, for two different guarantees:
 * - a sticky leader lease (`add` with expiry, renewed by its holder): the same process keeps running
 *   the schedule, so its in-memory state stays warm, and a dead leader is replaced `leaseMs` after its
 *   last renewal;
 * - a per-slot `add`: exactly one process runs a given slot even in the moment two believe they lead
 *   (the store offers no compare-and-set, so a renewal can race an expiry).
 */
export class StoreRunCoordinator implements RunCoordinator {
  readonly owner: string;
  private readonly leases: Collection<string>;
  private readonly slots: Collection<string>;
  private readonly log: Logger;
  private readonly slotTtlMs: number;
  private heartbeat: NodeJS.Timeout | null = null;
  private readonly renewals = new Set<Promise<boolean>>();
  private leading = false;
  private closed = false;

  constructor(private readonly options: StoreRunCoordinatorOptions) {
    if (!(options.leaseMs > 0)) throw new RangeError("leaseMs must be positive");
    this.owner = options.owner ?? randomUUID();
    this.leases = options.store.collection<string>(`coordinator-${options.name}`);
    this.slots = options.store.collection<string>(`coordinator-${options.name}-slots`);
    this.log = options.log ?? silentLogger;
    this.slotTtlMs = options.slotTtlMs ?? DEFAULT_SLOT_TTL_MS;
  }

  /** Whether this process held the lease at its last check. */
  get isLeader(): boolean {
    return this.leading;
  }

  /**
   * Keeps the lease renewed (or, as a follower, tries to take it once it lapses) in the background,
   * so a takeover does not wait for the next scheduled tick and a slow run does not lose the lease.
   */
  start(): void {
    if (this.heartbeat || this.closed) return;
    const every = Math.max(10, Math.floor(this.options.leaseMs / 3));
    this.heartbeat = setInterval(() => {
      this.holdLeadership().catch((err) => this.log.warn({ err }, "could not renew the leader lease"));
    }, every);
    this.heartbeat.unref();
  }

  async shouldRun(key: string, ttlMs: number): Promise<boolean> {
    try {
      return (await this.decide(key, ttlMs)) === "run";
    } catch (err) {
      // The store is unreachable: nobody can be sure to run this tick alone, so nobody does; the
      // next tick tries again. Logged here, in the bot's log, rather than by node-cron on the console.
      this.log.error({ err }, `${this.options.name}: store unavailable; tick skipped`);
      return false;
    }
  }

  /** Renews at the end of a run: a long run must not hand leadership away just before the next slot. */
  async onComplete(): Promise<void> {
    if (!this.closed) await this.holdLeadership();
  }

  async decide(key: string, ttlMs: number): Promise<SlotDecision> {
    if (this.closed) return "follower";
    if (!(await this.holdLeadership())) {
      this.options.onFollow?.();
      return "follower";
    }
    if (!(await this.slots.add(key, this.owner, Math.max(ttlMs, this.slotTtlMs)))) return "taken";
    const previous = await this.leases.get(LAST_RUNNER_KEY);
    if (previous !== this.owner) {
      this.log.info({ previous: previous ?? null }, `${this.options.name}: leading; catching up first`);
      await this.options.catchUp?.();
    }
    await this.leases.set(LAST_RUNNER_KEY, this.owner, 0);
    return "run";
  }

  /** Takes the lease when free, renews it when ours; true when this process leads. */
  async holdLeadership(): Promise<boolean> {
    if (this.closed) return false;
    const renewal = this.renewLease();
    this.renewals.add(renewal);
    try {
      return await renewal;
    } finally {
      this.renewals.delete(renewal);
    }
  }

  private async renewLease(): Promise<boolean> {
    const holder = await this.leases.get(LEADER_KEY);
    let leading: boolean;
    if (holder === this.owner) {
      await this.leases.set(LEADER_KEY, this.owner, this.options.leaseMs);
      leading = true;
    } else if (holder === undefined) {
      leading = await this.leases.add(LEADER_KEY, this.owner, this.options.leaseMs);
    } else {
      leading = false;
    }
    if (leading !== this.leading) {
      this.log.info({ owner: this.owner }, `${this.options.name}: ${leading ? "became leader" : "following"}`);
    }
    this.leading = leading;
    return leading;
  }

  /** Stops renewing and hands the lease back, so another process takes over at its next check. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    // A renewal already under way would write the lease back after the delete below, and the other
    // processes would wait out a lease nobody renews: let it land first.
    await Promise.allSettled([...this.renewals]);
    if (!this.leading) return;
    this.leading = false;
    if ((await this.leases.get(LEADER_KEY)) === this.owner) await this.leases.delete(LEADER_KEY);
  }
}
