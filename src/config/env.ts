import { z } from "zod";
import { ConfigError, describeIssues } from "./load.js";

const flag = z
  .enum(["0", "1", "true", "false", ""])
  .default("0")
  .transform((v) => v === "1" || v === "true");

const snowflake = z
  .string()
  .regex(/^\d{17,20}$/, "must be a Discord id (17–20 digits; enable Developer Mode and use Copy ID)");

/** Every environment variable newsdesk reads. `.env.example` documents each one. */
export const envSchema = z.object({
  DISCORD_TOKEN: z.string().min(1).optional(),
  DISCORD_GUILD_ID: snowflake.optional(),
  DISCORD_API_URL: z
    .url({ message: "must be a URL such as https://discord.com/api" })
    .default("https://discord.com/api"),
  STORE_URL: z
    .string()
    .regex(
      /^(sqlite|redis|rediss|postgres|postgresql|memory):/,
      "must start with sqlite://, redis://, postgres:// or memory:",
    )
    .default("sqlite://./data/newsdesk.sqlite"),
  CONFIG_DIR: z.string().min(1).default("config"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  LOG_PRETTY: flag,
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  SHARD_COUNT: z.coerce.number().int().min(1).optional(),
  /** Comma-separated shard ids this process runs, e.g. "0,1"; all shards when unset. */
  SHARD_IDS: z
    .string()
    .regex(/^\d+(,\d+)*$/, 'must be shard ids separated by commas, like "0,1"')
    .transform((v) => v.split(",").map(Number))
    .optional(),
  SYNC_COMMANDS: flag,
  /** Redis holding the Discord global rate limit shared by all processes; STORE_URL when that is redis://. */
  RATE_LIMIT_REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, "must be a redis:// or rediss:// URL")
    .optional(),
});

export type Env = z.infer<typeof envSchema>;

/** Rules across variables, checked before anything connects. */
const checkedEnvSchema = envSchema.superRefine((env, ctx) => {
  // A shard id the fleet does not have would be refused by Discord (close code 4010) only after connecting.
  if (!env.SHARD_IDS) return;
  if (env.SHARD_COUNT === undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["SHARD_IDS"],
      message: "needs SHARD_COUNT, the total number of shards across all processes",
    });
    return;
  }
  const count = env.SHARD_COUNT;
  const outside = env.SHARD_IDS.filter((id) => id >= count);
  if (outside.length > 0) {
    ctx.addIssue({
      code: "custom",
      path: ["SHARD_IDS"],
      message: `shard ids run from 0 to ${count - 1} with SHARD_COUNT=${count}; ${outside.join(", ")} is not one`,
    });
  }
});

export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  // An empty variable in .env means "not set", as operators expect.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const result = checkedEnvSchema.safeParse(cleaned);
  if (!result.success) throw new ConfigError(describeIssues("environment", result.error.issues));
  return result.data;
}
