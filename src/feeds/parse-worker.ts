/** Worker thread body for ParsePool: parses and normalizes feed bodies off the poller's event loop. */
import { parentPort, workerData } from "node:worker_threads";
import type { TopicConfig } from "../config/schema.js";
import { compileTopicRules } from "../topics/rules.js";
import { FeedError } from "./errors.js";
import { type FeedJob, processFeedBody } from "./process-feed.js";

const topicConfigs = (workerData as { topics: TopicConfig[] }).topics;
const topics = topicConfigs.length > 0 ? compileTopicRules(topicConfigs) : null;

parentPort?.on("message", async ({ id, job }: { id: number; job: FeedJob }) => {
  try {
    const result = await processFeedBody(job, topics);
    parentPort?.postMessage({ id, ok: true, result });
  } catch (err) {
    const kind = err instanceof FeedError ? err.kind : "parse";
    parentPort?.postMessage({ id, ok: false, kind, message: (err as Error).message ?? String(err) });
  }
});
