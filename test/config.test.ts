import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadEnv } from "../src/config/env.js";
import { ConfigError, loadConfig } from "../src/config/load.js";
import { parseDuration } from "../src/util/duration.js";

function configDir(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), "newsdesk-config-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

const topics = `topics:
  - { slug: ai, name: AI, description: All things AI, color: "#112233", keywords: [LLM] }
`;

describe("shipped configuration", () => {
  it("loads and validates, with the topics the bot promises", () => {
    const config = loadConfig("config");
    const slugs = config.topics.map((t) => t.slug);
    for (const slug of ["ai", "ai-hardware", "hardware", "security", "open-source", "science"]) {
      expect(slugs).toContain(slug);
    }
    expect(config.feeds.length).toBeGreaterThanOrEqual(12);
    expect(new Set(config.feeds.map((f) => new URL(f.url).hostname)).size).toBeGreaterThanOrEqual(12);
    expect(config.settings.poll.maxBytes).toBe(5 * 1024 * 1024);
    expect(config.settings.stories.window).toBe(72 * 3_600_000);
  });
});

describe("invalid configuration", () => {
  it("names the file, the path, what is wrong and how to fix it", () => {
    const dir = configDir({
      "topics.yaml": topics,
      "feeds.yaml": `feeds:
  - { id: good, url: "https://example.com/feed", topics: [ai] }
  - { id: Bad Id, url: "ftp://example.com/feed", topics: [nope], quality: 120 }
  - { url: "https://example.org/rss" }
`,
    });
    let error: ConfigError | undefined;
    try {
      loadConfig(dir);
    } catch (err) {
      error = err as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const text = error!.message;
    const feedsFile = path.join(dir, "feeds.yaml");
    expect(text).toContain(`${feedsFile}: feeds[1].id: use lower-case letters, digits and dashes`);
    expect(text).toContain(`${feedsFile}: feeds[1].url: must be an http:// or https:// URL`);
    expect(text).toContain(`${feedsFile}: feeds[1].quality:`);
    expect(text).toContain(`${feedsFile}: feeds[2].id: is missing; add \`id:\``);
  });

  it("reports unknown topics referenced by feeds, listing the known ones", () => {
    const dir = configDir({
      "topics.yaml": topics,
      "feeds.yaml": `feeds:\n  - { id: a, url: "https://example.com/feed", topics: [ai, robots] }\n`,
    });
    expect(() => loadConfig(dir)).toThrow(/feeds\[0\]\.topics\[1\]: unknown topic "robots"; use one of ai/);
  });

  it("reports a bad duration and broken YAML in settings", () => {
    const dir = configDir({
      "topics.yaml": topics,
      "feeds.yaml": `feeds:\n  - { id: a, url: "https://example.com/feed" }\n`,
      "settings.yaml": "poll:\n  timeout: soon\n",
    });
    expect(() => loadConfig(dir)).toThrow(
      /settings\.yaml: poll\.timeout: "soon" is not a duration; write it like "90s"/,
    );
    writeFileSync(path.join(dir, "settings.yaml"), "poll: [unclosed\n");
    expect(() => loadConfig(dir)).toThrow(/settings\.yaml: is not valid YAML/);
  });

  it("says which file is missing", () => {
    const dir = configDir({ "topics.yaml": topics });
    expect(() => loadConfig(dir)).toThrow(/feeds\.yaml: not found; create it/);
  });
});

describe("environment", () => {
  it("applies defaults and treats empty variables as unset", () => {
    const env = loadEnv({ DISCORD_TOKEN: "", LOG_PRETTY: "1" });
    expect(env.DISCORD_TOKEN).toBeUndefined();
    expect(env.STORE_URL).toBe("sqlite://./data/newsdesk.sqlite");
    expect(env.LOG_PRETTY).toBe(true);
  });
  it("rejects a bad value naming the variable", () => {
    expect(() => loadEnv({ STORE_URL: "mysql://x" })).toThrow(/environment: STORE_URL: must start with sqlite:\/\//);
    expect(() => loadEnv({ DISCORD_GUILD_ID: "my-guild" })).toThrow(/DISCORD_GUILD_ID: must be a Discord id/);
  });
});

describe("durations", () => {
  it("parses the forms operators write", () => {
    expect(parseDuration("90s")).toBe(90_000);
    expect(parseDuration("1h30m")).toBe(5_400_000);
    expect(parseDuration("72h")).toBe(259_200_000);
    expect(parseDuration("250")).toBe(250);
    expect(parseDuration("soon")).toBeNull();
    expect(parseDuration("5 parsecs")).toBeNull();
  });
});

describe(".env.example", () => {
  it("lists every environment variable newsdesk reads, each with a comment above it", async () => {
    const { readFileSync } = await import("node:fs");
    const { envSchema } = await import("../src/config/env.js");
    const lines = readFileSync(".env.example", "utf8").split("\n");
    for (const name of Object.keys(envSchema.shape)) {
      const at = lines.findIndex((l) => l.startsWith(`${name}=`));
      expect(at, name).toBeGreaterThan(0);
      expect(lines[at - 1], name).toMatch(/^#/);
    }
  });
});
