import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { TopicConfig } from "../config/schema.js";
import { compileTopicRules, type TopicMatcher } from "../topics/rules.js";
import { FeedError, type FeedErrorKind } from "./errors.js";
import { type FeedJob, type ProcessedFeed, processFeedBody } from "./process-feed.js";

type Reply =
  | { id: number; ok: true; result: ProcessedFeed }
  | { id: number; ok: false; kind: FeedErrorKind; message: string };

interface Pending {
  job: FeedJob;
  resolve: (r: ProcessedFeed) => void;
  reject: (e: Error) => void;
}

/** The worker script next to this module; only the built .js can run in a worker (tests run the .ts sources). */
const WORKER_URL = new URL(`./parse-worker${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`, import.meta.url);

/**
 * The body's memory moves to the worker instead of being copied, when the body owns all of it (a body
 * cut from Node's shared small-buffer pool must be copied: moving it would take its neighbours too).
 * The poller never reads a body again once it is handed over.
 */
function transferable(body: Uint8Array): ArrayBuffer[] {
  const buffer = body.buffer;
  return buffer instanceof ArrayBuffer && body.byteOffset === 0 && body.byteLength === buffer.byteLength
    ? [buffer]
    : [];
}

/** Worker threads that can run here: one per spare core, none when running from TypeScript sources. */
export function defaultParseWorkers(): number {
  if (WORKER_URL.pathname.endsWith(".ts")) return 0;
  return Math.max(0, Math.min(4, availableParallelism() - 1));
}

/**
 * Jobs handed to one worker before its previous answer is back: the next body waits in the worker's
 * own queue, so the worker starts it at once instead of idling until the poller's event loop (busy with
 * HTTP and the store) has read the answer and sent another. One in flight left the only worker of a
 * two-core machine idle about a third of a cold cycle.
 */
const JOBS_PER_WORKER = 2;

interface InFlight extends Pending {
  id: number;
}

/** One worker thread and its jobs in the order it runs them (it answers them in that order). */
interface Slot {
  worker: Worker;
  jobs: InFlight[];
  /** Armed for the job at the head of `jobs`, the one running. */
  timer: NodeJS.Timeout | null;
}

/**
 * Parsing and normalizing are the CPU of a poll; feeds are independent, so they spread over worker
 * threads and keep the poller's event loop (and a bot's gateway heartbeat) free. With size 0 the work
 * runs in-process. A crashed worker fails its feed only and is replaced.
 */
export class ParsePool {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private readonly localTopics: TopicMatcher | null;
  private nextId = 0;
  private closed = false;

  constructor(
    private readonly size: number,
    private readonly topics: readonly TopicConfig[] | TopicMatcher,
    /** A job running longer than this fails its feed and its worker is replaced. */
    private readonly jobTimeoutMs = 60_000,
  ) {
    this.localTopics = "tag" in topics ? topics : topics.length > 0 ? compileTopicRules(topics) : null;
    // A prebuilt matcher cannot cross to a worker: run in-process then.
    if ("tag" in topics) this.size = 0;
  }

  run(job: FeedJob): Promise<ProcessedFeed> {
    if (this.size === 0 || this.closed) return processFeedBody(job, this.localTopics);
    return new Promise((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const slots = this.slots.splice(0);
    for (const slot of slots) if (slot.timer) clearTimeout(slot.timer);
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const slot = this.slotWithRoom();
      if (!slot) return;
      const pending = this.queue.shift() as Pending;
      const id = this.nextId++;
      slot.jobs.push({ ...pending, id });
      const startsNow = slot.jobs.length === 1;
      if (startsNow) this.arm(slot);
      slot.worker.ref(); // a job in flight keeps the process alive until it answers
      // Only a job that starts at once gives its body away: one queued behind another is sent again to
      // a new worker if this one dies first, so its body must stay here (it is copied instead).
      slot.worker.postMessage({ id, job: pending.job }, startsNow ? transferable(pending.job.body) : []);
    }
  }

  /** The least loaded worker with room; a new one while the pool is below its size and all are busy. */
  private slotWithRoom(): Slot | undefined {
    let best: Slot | undefined;
    for (const slot of this.slots) if (!best || slot.jobs.length < best.jobs.length) best = slot;
    if ((!best || best.jobs.length > 0) && this.slots.length < this.size) return this.spawn();
    return best && best.jobs.length < JOBS_PER_WORKER ? best : undefined;
  }

  private arm(slot: Slot): void {
    slot.timer = setTimeout(() => this.timeOut(slot), this.jobTimeoutMs);
    slot.timer.unref();
  }

  /** A document that keeps the parser busy too long: fail that feed, replace the worker. */
  private timeOut(slot: Slot): void {
    this.retire(slot, new FeedError("timeout", `parsing took longer than ${this.jobTimeoutMs} ms; parser restarted`));
  }

  /**
   * Removes a worker that is gone or must go (once: later calls for it do nothing). The job it was
   * running fails with `error`; the ones queued behind it go back to the front of the queue (they never
   * started).
   */
  private retire(slot: Slot, error: FeedError): void {
    const at = this.slots.indexOf(slot);
    if (at < 0) return;
    this.slots.splice(at, 1);
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    void slot.worker.terminate();
    const [running, ...behind] = slot.jobs;
    slot.jobs = [];
    this.queue.unshift(...behind);
    if (!this.closed) this.dispatch();
    running?.reject(error);
  }

  private spawn(): Slot {
    // A runaway document crashes its worker (and fails that feed), never the poller.
    const worker = new Worker(fileURLToPath(WORKER_URL), {
      workerData: { topics: this.topics },
      resourceLimits: { maxOldGenerationSizeMb: 512 },
    });
    const slot: Slot = { worker, jobs: [], timer: null };
    this.slots.push(slot);
    worker.unref();
    worker.on("message", (reply: Reply) => {
      const done = slot.jobs[0];
      if (!done || done.id !== reply.id) return;
      slot.jobs.shift();
      if (slot.timer) clearTimeout(slot.timer);
      slot.timer = null;
      if (slot.jobs.length > 0) this.arm(slot);
      else worker.unref(); // idle workers must not keep the process alive
      if (reply.ok) done.resolve(reply.result);
      else done.reject(new FeedError(reply.kind, reply.message));
      this.dispatch();
    });
    const fail = (err: Error) =>
      this.retire(slot, new FeedError("parse", `the parser crashed on this feed: ${err.message}`, { cause: err }));
    worker.on("error", fail);
    worker.on("exit", (code) => {
      if (!this.closed) fail(new Error(`worker exited with code ${code}`));
    });
    return slot;
  }
}
