/*
 * The local Discord emulator: tests and the offline demo start one and point the real discord.js
 * client at it. See docs/emulator.md.
 */
export { createTestClient, loginTestClient } from "./client.js";
export {
  DiscordEmulator,
  type EmulatorOptions,
  type MemberSeed,
  type SeededGuild,
  startDiscordEmulator,
} from "./emulator.js";
export type { RouteFilter, StormOptions } from "./faults.js";
export type { GatewayLogEntry } from "./gateway.js";
export type { CommandRecord, InteractionHandle, InteractionRecord, OptionValues } from "./interactions.js";
export type { RouteLimit } from "./rate-limits.js";
export type { RecordedRequest } from "./rest.js";
export { isSnowflake, SnowflakeGenerator, shardOf, snowflakeTime } from "./snowflake.js";
export { LIMITS } from "./validate.js";
export type { ChannelRecord, MessageRecord, UserRecord } from "./world.js";
