/** Discord's epoch (2015-01-01T00:00:00Z): snowflake timestamps count milliseconds from it. */
export const DISCORD_EPOCH = 1_420_070_400_000n;

/** What discord.js accepts as an id: it runs every id through `BigInt()`, so only digits will do. */
const SNOWFLAKE = /^\d{17,20}$/;

export function isSnowflake(value: unknown): value is string {
  return typeof value === "string" && SNOWFLAKE.test(value);
}

/** Milliseconds since the Unix epoch encoded in a snowflake. */
export function snowflakeTime(id: string): number {
  return Number((BigInt(id) >> 22n) + DISCORD_EPOCH);
}

/** Which shard receives a guild's events: `(guild_id >> 22) % shard_count`, as Discord documents. */
export function shardOf(guildId: string, shardCount: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(shardCount));
}

/**
 * Produces ids shaped like Discord's: timestamp, worker, process and a per-millisecond increment,
 * so ids generated later sort later (Discord's message pagination relies on that) and every id
 * generated today has 19 digits.
 */
export class SnowflakeGenerator {
  #lastMs = 0n;
  #increment = 0n;
  #seeded = 0n;

  constructor(
    private readonly worker = 1n,
    private readonly processId = 0n,
    private readonly now: () => number = Date.now,
  ) {}

  /** A fresh id; `at` (Unix ms) backdates it, for seeding objects that "already existed". */
  next(at?: number): string {
    let ms = BigInt(at ?? this.now()) - DISCORD_EPOCH;
    if (at !== undefined) {
      this.#seeded = (this.#seeded + 1n) & 0xfffn;
      return this.#compose(ms, this.#seeded);
    }
    // Never go backwards, even if the wall clock does, and never repeat within one millisecond.
    if (ms < this.#lastMs) ms = this.#lastMs;
    this.#increment = ms === this.#lastMs ? (this.#increment + 1n) & 0xfffn : 0n;
    if (this.#increment === 0n && ms === this.#lastMs) ms += 1n;
    this.#lastMs = ms;
    return this.#compose(ms, this.#increment);
  }

  #compose(ms: bigint, increment: bigint): string {
    return ((ms << 22n) | ((this.worker & 31n) << 17n) | ((this.processId & 31n) << 12n) | increment).toString();
  }
}
