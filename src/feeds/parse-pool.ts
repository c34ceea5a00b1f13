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
 * Parsing and normalizing are the CPU of a poll; feeds are independent, so they spread over worker
 * threads and keep the poller's event loop (and a bot's gateway heartbeat) free. With size 0 the work
 * runs in-process. A crashed worker fails its feed only and is replaced.
 */
export class ParsePool {
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Pending & { id: number; timer: NodeJS.Timeout }>();
  private readonly queue: Pending[] = [];
  private readonly localTopics: TopicMatcher | null;
  private nextId = 0;
  private workers = 0;
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
    const all = [...this.idle, ...this.busy.keys()];
    this.idle.length = 0;
    await Promise.all(all.map((w) => w.terminate()));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let worker = this.idle.pop();
      if (!worker && this.workers < this.size) worker = this.spawn();
      if (!worker) return;
      const pending = this.queue.shift() as Pending;
      const id = this.nextId++;
      const timer = setTimeout(() => this.timeOut(worker), this.jobTimeoutMs);
      timer.unref();
      this.busy.set(worker, { ...pending, id, timer });
      worker.ref(); // a job in flight keeps the process alive until it answers
      worker.postMessage({ id, job: pending.job }, transferable(pending.job.body));
    }
  }

  /** A document that keeps the parser busy too long: fail that feed, replace the worker. */
  private timeOut(worker: Worker): void {
    const pending = this.busy.get(worker);
    if (!pending) return;
    this.busy.delete(worker);
    this.workers--;
    void worker.terminate();
    pending.reject(new FeedError("timeout", `parsing took longer than ${this.jobTimeoutMs} ms; parser restarted`));
    if (!this.closed) this.dispatch();
  }

  private spawn(): Worker {
    // A runaway document crashes its worker (and fails that feed), never the poller.
    const worker = new Worker(fileURLToPath(WORKER_URL), {
      workerData: { topics: this.topics },
      resourceLimits: { maxOldGenerationSizeMb: 512 },
    });
    this.workers++;
    worker.unref();
    worker.on("message", (reply: Reply) => {
      const pending = this.busy.get(worker);
      if (!pending || pending.id !== reply.id) return;
      clearTimeout(pending.timer);
      this.busy.delete(worker);
      this.idle.push(worker);
      worker.unref(); // idle workers must not keep the process alive
      if (reply.ok) pending.resolve(reply.result);
      else pending.reject(new FeedError(reply.kind, reply.message));
      this.dispatch();
    });
    const fail = (err: Error) => {
      this.workers--;
      const pending = this.busy.get(worker);
      if (pending) clearTimeout(pending.timer);
      this.busy.delete(worker);
      const at = this.idle.indexOf(worker);
      if (at >= 0) this.idle.splice(at, 1);
      pending?.reject(new FeedError("parse", `the parser crashed on this feed: ${err.message}`, { cause: err }));
      if (!this.closed) this.dispatch();
    };
    worker.on("error", fail);
    worker.on("exit", (code) => {
      if (!this.closed && (this.busy.has(worker) || this.idle.includes(worker)))
        fail(new Error(`worker exited with code ${code}`));
    });
    return worker;
  }
}
