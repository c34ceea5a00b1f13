import { readFileSync } from "node:fs";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import type { z } from "zod";
import {
  type Config,
  type FeedConfig,
  feedsFileSchema,
  type Settings,
  settingsSchema,
  type TopicConfig,
  topicsFileSchema,
} from "./schema.js";

/** A configuration mistake, worded for the operator who has to fix it. */
export class ConfigError extends Error {
  override name = "ConfigError";
  constructor(readonly problems: string[]) {
    super(
      problems.length === 1
        ? `Invalid configuration: ${problems[0]}`
        : `Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
  }
}

/** `feeds[3].url` from zod's path array. */
export function formatPath(segments: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const s of segments) out += typeof s === "number" ? `[${s}]` : out === "" ? String(s) : `.${String(s)}`;
  return out || "(top level)";
}

/** Turns zod issues into one line each: file, path, what is wrong and how to fix it. */
export function describeIssues(file: string, issues: ReadonlyArray<z.core.$ZodIssue>): string[] {
  return issues.map((issue) => {
    const where = `${file}: ${formatPath(issue.path)}`;
    if (issue.code === "invalid_type" && /received undefined/.test(issue.message)) {
      const field = issue.path.at(-1);
      return `${where}: is missing; add \`${String(field)}:\` (expected ${issue.expected})`;
    }
    if (issue.code === "unrecognized_keys") {
      return `${where}: unknown field(s) ${issue.keys.join(", ")}; remove them or check the spelling`;
    }
    return `${where}: ${issue.message}`;
  });
}

function readYaml(file: string, problems: string[]): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    problems.push(
      code === "ENOENT"
        ? `${file}: not found; create it (see the examples in the repository's config/) or set CONFIG_DIR`
        : `${file}: cannot be read (${code ?? String(err)})`,
    );
    return undefined;
  }
  try {
    return parseYaml(text) ?? {};
  } catch (err) {
    problems.push(`${file}: is not valid YAML: ${(err as Error).message.split("\n")[0]}`);
    return undefined;
  }
}

function validate<S extends z.ZodType>(
  file: string,
  schema: S,
  data: unknown,
  problems: string[],
): z.output<S> | undefined {
  if (data === undefined) return undefined;
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  problems.push(...describeIssues(file, result.error.issues));
  return undefined;
}

/** Checks that only make sense across files: unique ids, feeds naming topics that exist. */
function crossCheck(feedsFile: string, feeds: FeedConfig[], topics: TopicConfig[], problems: string[]): void {
  const topicSlugs = new Set<string>();
  topics.forEach((t) => {
    if (topicSlugs.has(t.slug))
      problems.push(`topics: slug "${t.slug}" is defined twice; give each topic its own slug`);
    topicSlugs.add(t.slug);
  });
  const ids = new Set<string>();
  feeds.forEach((feed, i) => {
    if (ids.has(feed.id))
      problems.push(`${feedsFile}: feeds[${i}].id: "${feed.id}" is used twice; give each feed its own id`);
    ids.add(feed.id);
    feed.topics.forEach((slug, j) => {
      if (!topicSlugs.has(slug)) {
        problems.push(
          `${feedsFile}: feeds[${i}].topics[${j}]: unknown topic "${slug}"; use one of ${[...topicSlugs].join(", ")} or add it to topics.yaml`,
        );
      }
    });
  });
}

/**
 * Loads and validates config/feeds.yaml, topics.yaml and settings.yaml (settings is optional).
 * Throws one ConfigError listing every problem found, so an operator fixes them in one go.
 */
export function loadConfig(dir = process.env.CONFIG_DIR ?? "config"): Config {
  const problems: string[] = [];
  const rel = (name: string) => path.join(dir, name);
  const feedsFile = rel("feeds.yaml");
  const topicsFile = rel("topics.yaml");
  const settingsFile = rel("settings.yaml");

  const feeds = validate(feedsFile, feedsFileSchema, readYaml(feedsFile, problems), problems);
  const topics = validate(topicsFile, topicsFileSchema, readYaml(topicsFile, problems), problems);
  let settingsData: unknown = {};
  try {
    readFileSync(settingsFile);
    settingsData = readYaml(settingsFile, problems);
  } catch {
    // settings.yaml is optional: every setting has a default.
  }
  const settings: Settings | undefined = validate(settingsFile, settingsSchema, settingsData, problems);

  if (feeds && topics) crossCheck(feedsFile, feeds.feeds, topics.topics, problems);
  if (problems.length > 0 || !feeds || !topics || !settings) throw new ConfigError(problems);
  return { feeds: feeds.feeds, topics: topics.topics, settings };
}

/** The settings alone, with defaults: for tools that run without feeds or topics. */
export function defaultSettings(): Settings {
  return settingsSchema.parse({});
}
