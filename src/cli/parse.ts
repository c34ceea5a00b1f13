import { readFile } from "node:fs/promises";
import path from "node:path";
import pLimit from "p-limit";
import { defaultSettings, loadConfig } from "../config/load.js";
import type { FeedConfig } from "../config/schema.js";
import type { Article } from "../feeds/article.js";
import { decodeFeedBody } from "../feeds/decode.js";
import { FeedError, toFeedError } from "../feeds/errors.js";
import { createHttpAgent, fetchFeed } from "../feeds/http.js";
import { normalizeItem, providerName } from "../feeds/normalize.js";
import { parseFeed } from "../feeds/parse.js";
import { writeOut } from "../feeds/runtime.js";
import { compileTopicRules, type TopicMatcher } from "../topics/rules.js";
import { type CliCommand, UsageError } from "./command.js";

const usage = `Usage: newsdesk parse [options] FILE|URL...

Prints the normalized articles of each feed (RSS 0.9x/1.0/2.0 or Atom, a file or an http(s) URL) as
JSON Lines: one Article per line, with a "feed" field naming the argument it came from. Every item is
printed (no first-poll seeding, no dedup). A feed that cannot be read or parsed gets one line on stderr
and the run goes on.

Options:
  --config DIR        tag topics with DIR/topics.yaml keyword rules, and take provider, topics and
                      quality from DIR/feeds.yaml for URLs configured there (default: no topics)
  --concurrency N     feeds read at once (default 16)
  -h, --help          show this help

Exit status: 0 every feed was parsed, 1 some feed could not be read or parsed,
2 usage error or a FILE that does not exist.
`;

type Outcome = { lines: string; warnings: string; error?: string; badPath?: boolean };

const BAD_PATH = new Set(["ENOENT", "ENOTDIR", "EISDIR"]);

interface ParseContext {
  topics: TopicMatcher | null;
  configured: Map<string, FeedConfig>;
  fetchOptions: { timeoutMs: number; maxBytes: number; maxRedirects: number };
  dispatcher: ReturnType<typeof createHttpAgent>;
}

function feedIdFor(arg: string): string {
  const base = /^https?:\/\//i.test(arg) ? new URL(arg).hostname : path.basename(arg).replace(/\.[^.]+$/, "");
  return (
    base
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "") || "feed"
  );
}

async function parseOne(arg: string, ctx: ParseContext): Promise<Outcome> {
  const isUrl = /^https?:\/\//i.test(arg);
  let text: string;
  let baseUrl: string | null = isUrl ? arg : null;
  try {
    if (isUrl) {
      const response = await fetchFeed(arg, { ...ctx.fetchOptions, dispatcher: ctx.dispatcher });
      if (response.status !== "ok") throw new FeedError("http_status", "unexpected 304 without validators");
      baseUrl = response.url;
      text = decodeFeedBody(response.body, response.contentType);
    } else {
      text = decodeFeedBody(await readFile(arg));
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (!isUrl && code && BAD_PATH.has(code)) {
      const why = code === "EISDIR" ? "is a directory" : "no such file";
      return { lines: "", warnings: "", error: `${arg}: ${why}`, badPath: true };
    }
    const e = isUrl ? toFeedError(err) : toFeedError(err, "read");
    return { lines: "", warnings: "", error: `${arg}: ${e.kind}: ${e.message}` };
  }
  try {
    const feed = await parseFeed(text);
    // A file has no URL of its own: relative links resolve against the feed's website link.
    // Without one, relative links cannot be resolved and those items are skipped with a warning.
    const base = baseUrl ?? (feed.link && /^https?:\/\//i.test(feed.link) ? feed.link : "");
    const config = isUrl ? ctx.configured.get(arg) : undefined;
    const now = new Date();
    const context = {
      feedId: config?.id ?? feedIdFor(arg),
      feedUrl: base,
      providerName: providerName(config?.provider, feed.title ?? feedIdFor(arg), base),
      quality: config?.quality ?? 50,
      defaultTopics: config?.topics ?? [],
      topics: ctx.topics,
      now,
    };
    let lines = "";
    let warnings = "";
    feed.items.forEach((item, index) => {
      const article: Article | null = normalizeItem(item, context);
      if (article === null) {
        warnings += `newsdesk parse: ${arg}: item ${index + 1} skipped: it has no usable http(s) link\n`;
        return;
      }
      lines += `${JSON.stringify({ ...article, feed: arg })}\n`;
    });
    return { lines, warnings };
  } catch (err) {
    const e = toFeedError(err, "parse");
    return { lines: "", warnings: "", error: `${arg}: ${e.kind}: ${e.message}` };
  }
}

export const parseCommand: CliCommand = {
  name: "parse",
  summary: "print the normalized articles of feed files or URLs as JSON Lines",
  usage,
  options: { config: { type: "string" }, concurrency: { type: "string" } },
  positionals: true,
  async run({ values, positionals }, io) {
    if (positionals.length === 0) throw new UsageError("parse: give at least one feed FILE or URL");
    const concurrency = values.concurrency === undefined ? 16 : Number(values.concurrency);
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) {
      throw new UsageError(`parse: --concurrency must be a whole number from 1 to 256, not "${values.concurrency}"`);
    }
    const config = typeof values.config === "string" ? loadConfig(values.config) : null;
    const settings = config?.settings ?? defaultSettings();
    const ctx: ParseContext = {
      topics: config ? compileTopicRules(config.topics) : null,
      configured: new Map((config?.feeds ?? []).map((f) => [f.url, f])),
      fetchOptions: {
        timeoutMs: settings.poll.timeout,
        maxBytes: settings.poll.maxBytes,
        maxRedirects: settings.poll.maxRedirects,
      },
      dispatcher: createHttpAgent({ connectTimeoutMs: settings.poll.connectTimeout }),
    };
    const limit = pLimit(concurrency);
    // Started concurrently, printed in argument order.
    const outcomes = positionals.map((arg) => limit(() => parseOne(arg, ctx)));
    let failed = false;
    let badPath = false;
    try {
      for (const pending of outcomes) {
        const outcome = await pending;
        await writeOut(io.stdout, outcome.lines);
        if (outcome.warnings) io.stderr.write(outcome.warnings);
        if (outcome.error) {
          io.stderr.write(`newsdesk parse: ${outcome.error}\n`);
          failed = true;
          badPath ||= outcome.badPath === true;
        }
      }
    } finally {
      await ctx.dispatcher.close();
    }
    return badPath ? 2 : failed ? 1 : 0;
  },
};
