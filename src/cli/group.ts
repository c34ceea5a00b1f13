import { createInterface } from "node:readline";
import { Grouper } from "../stories/grouper.js";
import { parseDuration } from "../util/duration.js";
import { type CliCommand, UsageError } from "./command.js";

const usage = `Usage: newsdesk group [--window 72h]

Groups articles into stories. Reads JSON Lines articles on stdin, in arrival order, with the fields
id, title, excerpt, url, source or provider, publishedAt (all optional but one of title/url), and
writes one line {"id": ..., "story": ...} per article. A story's id is the id of its first article.
Malformed lines are reported on stderr with their line number and skipped.

Options:
  --window DURATION   group with stories first seen within this time (default 72h)
  -h, --help          show this help
`;

interface InputArticle {
  id: string;
  title: string;
  excerpt: string;
  url: string;
  publishedAt: number;
}

/** One input line as an article, or the reason it is not one. */
export function parseArticleLine(line: string, fallbackTime: number, lineNo: number): InputArticle | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    return `not JSON (${(err as Error).message})`;
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) return "not a JSON object";
  const row = value as Record<string, unknown>;
  const text = (key: string): string | undefined => {
    const v = row[key];
    return typeof v === "string" ? v : typeof v === "number" ? String(v) : undefined;
  };
  const title = text("title") ?? "";
  const url = text("url") ?? "";
  if (title.trim() === "" && url.trim() === "") return "neither a title nor a url";
  const published = text("publishedAt");
  const time = published === undefined ? Number.NaN : Date.parse(published);
  if (published !== undefined && !Number.isFinite(time)) return `publishedAt "${published}" is not a date`;
  return {
    id: text("id") ?? (url || `line-${lineNo}`),
    title,
    excerpt: text("excerpt") ?? "",
    url,
    publishedAt: Number.isFinite(time) ? time : fallbackTime,
  };
}

export const groupCommand: CliCommand = {
  name: "group",
  summary: "group JSON Lines articles on stdin into stories",
  usage,
  options: { window: { type: "string" } },
  positionals: false,
  async run(args, io) {
    const windowText = (args.values.window as string | undefined) ?? "72h";
    const windowMs = parseDuration(windowText);
    if (windowMs === null || windowMs <= 0) {
      throw new UsageError(`group: --window "${windowText}" is not a duration; write it like "72h" or "2d"`);
    }
    const grouper = new Grouper({ windowMs });
    // An article without a time arrives "after" the previous one: input order is arrival order.
    let lastTime = Date.now();
    let lineNo = 0;
    let skipped = 0;
    const lines = createInterface({ input: io.stdin, crlfDelay: Number.POSITIVE_INFINITY });
    for await (const raw of lines) {
      lineNo++;
      const line = raw.trim();
      if (line === "") continue;
      const parsed = parseArticleLine(line, lastTime, lineNo);
      if (typeof parsed === "string") {
        skipped++;
        io.stderr.write(`newsdesk group: line ${lineNo}: ${parsed}; skipped\n`);
        continue;
      }
      lastTime = parsed.publishedAt;
      const placed = grouper.add({ ...parsed, keys: parsed.url ? [`url:${parsed.url}`] : [] });
      const ok = io.stdout.write(`${JSON.stringify({ id: parsed.id, story: placed.story })}\n`);
      if (!ok) await new Promise((resolve) => io.stdout.once("drain", resolve));
    }
    if (skipped > 0) io.stderr.write(`newsdesk group: ${skipped} malformed line(s) skipped\n`);
    return skipped > 0 ? 1 : 0;
  },
};
