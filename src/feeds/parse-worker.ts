/** Worker thread body for ParsePool: parses and normalizes feed bodies off the poller's event loop. */
import { parentPort, workerData } from "node:worker_threads";
import type { TopicConfig } from "../config/schema.js";
import { compileTopicRules } from "../topics/rules.js";
import { FeedError } from "./errors.js";
import { type FeedJob, processFeedBody } from "./process-feed.js";

const topicConfigs = (workerData as { topics: TopicConfig[] }).topics;
const topics = topicConfigs.length > 0 ? compileTopicRules(topicConfigs) : null;

async function handle({ id, job }: { id: number; job: FeedJob }): Promise<void> {
  try {
    const result = await processFeedBody(job, topics);
    parentPort?.postMessage({ id, ok: true, result });
  } catch (err) {
    const kind = err instanceof FeedError ? err.kind : "parse";
    parentPort?.postMessage({ id, ok: false, kind, message: (err as Error).message ?? String(err) });
  }
}

// The pool sends the next job before this one is answered (see JOBS_PER_WORKER): jobs run one after
// the other, in the order sent, since the pool's timeout and crash handling assume the oldest is running.
let previous: Promise<void> = Promise.resolve();
parentPort?.on("message", (message: { id: number; job: FeedJob }) => {
  previous = previous.then(() => handle(message));
});
