import { describe, expect, it } from "vitest";
import { loadEnv } from "../../src/config/env.js";
import { ConfigError } from "../../src/config/load.js";
import { settingsSchema } from "../../src/config/schema.js";
import { createDiscordClient } from "../../src/discord/bot.js";

describe("settings for running several processes", () => {
  it("defaults to a 30 s poll leader lease and a 45/s shared Discord budget", () => {
    const settings = settingsSchema.parse({});
    expect(settings.poll.leaderLease).toBe(30_000);
    expect(settings.discord.globalRateLimit).toBe(47);
  });

  it("refuses a leader lease too short to be renewed", () => {
    const result = settingsSchema.safeParse({ poll: { leaderLease: "0s" } });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(["poll", "leaderLease"]);
  });
});

describe("shard environment", () => {
  it("takes a shard range per process out of a fleet-wide count", () => {
    const env = loadEnv({ SHARD_COUNT: "4", SHARD_IDS: "2,3" });
    expect(env.SHARD_IDS).toEqual([2, 3]);
    expect(env.SHARD_COUNT).toBe(4);
  });

  it("says what is wrong with shard ids before anything connects", () => {
    expect(() => loadEnv({ SHARD_IDS: "1" })).toThrow(/SHARD_IDS: needs SHARD_COUNT/);
    expect(() => loadEnv({ SHARD_IDS: "0,2", SHARD_COUNT: "2" })).toThrow(ConfigError);
    expect(() => loadEnv({ SHARD_IDS: "0,2", SHARD_COUNT: "2" })).toThrow(
      /run from 0 to 1 with SHARD_COUNT=2; 2 is not one/,
    );
  });

  it("accepts only a Redis URL for the shared rate limit", () => {
    expect(loadEnv({ RATE_LIMIT_REDIS_URL: "rediss://cache:6380/2" }).RATE_LIMIT_REDIS_URL).toBe(
      "rediss://cache:6380/2",
    );
    expect(() => loadEnv({ RATE_LIMIT_REDIS_URL: "postgres://db/x" })).toThrow(/RATE_LIMIT_REDIS_URL: must be a redis/);
  });

  it("gives the gateway client its shards: a range, or every shard of the count", async () => {
    const range = createDiscordClient({ apiUrl: "http://127.0.0.1:1/api", shards: [1], shardCount: 2 });
    const all = createDiscordClient({ apiUrl: "http://127.0.0.1:1/api", shardCount: 3 });
    try {
      expect([range.options.shards, range.options.shardCount]).toEqual([[1], 2]);
      expect([all.options.shards, all.options.shardCount]).toEqual([[0, 1, 2], 3]);
    } finally {
      await range.destroy();
      await all.destroy();
    }
  });
});
