import { PermissionFlagsBits } from "discord-api-types/v10";
import type { CommandStore } from "../commands.js";
import type { EmulatorCore } from "../core.js";
import {
  invalidFormBody,
  missingAccess,
  missingPermissions,
  unknownChannel,
  unknownGuild,
  unknownMessage,
} from "../errors.js";
import type { InteractionRegistry } from "../interactions.js";
import { has } from "../permissions.js";
import { isSnowflake } from "../snowflake.js";
import type { ChannelRecord, MessageRecord } from "../world.js";
/** What every route handler shares: its context, result shapes, and lookups that answer with Discord errors. */

/** What a route handler gets: the shared state, the URL parameters and the decoded body. */
export interface RouteContext {
  core: EmulatorCore;
  interactions: InteractionRegistry;
  commands: CommandStore;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  attachments: MessageRecord["attachments"];
  gatewayUrl: string;
  recommendedShards: () => number;
}

export interface RouteResult {
  status: number;
  body?: unknown;
}

export interface RouteDefinition {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  path: string;
  /** Bot routes need `Authorization: Bot <token>`; interaction and webhook-token routes do not. */
  auth: boolean;
  /** The URL parameter Discord buckets by in addition to the route. */
  major?: string;
  handler: (ctx: RouteContext) => RouteResult | Promise<RouteResult>;
}

export const ok = (body: unknown): RouteResult => ({ status: 200, body });
export const created = (body: unknown): RouteResult => ({ status: 201, body });
export const noContent: RouteResult = { status: 204 };

export function channelOf(ctx: RouteContext): ChannelRecord {
  const id = ctx.params.channel_id!;
  if (!isSnowflake(id)) throw snowflakeParam("channel_id", id);
  const channel = ctx.core.world.liveChannel(id);
  if (!channel) throw unknownChannel();
  return channel;
}

export function snowflakeParam(name: string, value: string) {
  return invalidFormBody([
    { path: [name], error: { code: "NUMBER_TYPE_COERCE", message: `Value "${value}" is not snowflake.` } },
  ]);
}

/** The bot's permissions in a channel; a channel it cannot see is "Missing Access" (50001). */
export function botPermissions(ctx: RouteContext, channel: ChannelRecord): bigint {
  if (!channel.guildId) return ~0n;
  const perms = ctx.core.world.permissionsIn(ctx.core.world.botUser.id, channel.id);
  if (!has(perms, PermissionFlagsBits.ViewChannel)) throw missingAccess();
  return perms;
}

export function requirePermission(perms: bigint, bit: bigint): void {
  if (!has(perms, bit)) throw missingPermissions();
}

export function messageOf(ctx: RouteContext, channel: ChannelRecord): MessageRecord {
  const id = ctx.params.message_id!;
  if (!isSnowflake(id)) throw snowflakeParam("message_id", id);
  const message = ctx.core.world.message(channel.id, id);
  if (!message || message.ephemeral) throw unknownMessage();
  return message;
}

export function guildOf(ctx: RouteContext): string {
  const id = ctx.params.guild_id!;
  if (!isSnowflake(id)) throw snowflakeParam("guild_id", id);
  if (!ctx.core.world.liveGuild(id)) throw unknownGuild();
  return id;
}

export function checkApplication(ctx: RouteContext): void {
  if (ctx.params.application_id !== ctx.core.world.botUser.id) throw missingAccess();
}
