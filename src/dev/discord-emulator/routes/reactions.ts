import { PermissionFlagsBits } from "discord-api-types/v10";
import { parseEmoji } from "../core.js";
import { userJson } from "../json.js";
import {
  botPermissions,
  channelOf,
  messageOf,
  noContent,
  ok,
  type RouteContext,
  type RouteResult,
  requirePermission,
} from "./context.js";

/* Reactions: the bot's own, removing others', listing who reacted. */

export function addOwnReaction(ctx: RouteContext): RouteResult {
  const channel = channelOf(ctx);
  const perms = botPermissions(ctx, channel);
  requirePermission(perms, PermissionFlagsBits.ReadMessageHistory);
  const message = messageOf(ctx, channel);
  const emoji = parseEmoji(ctx.core.world, ctx.params.emoji!);
  // Joining an existing reaction needs no Add Reactions; starting a new one does.
  if (!message.reactions[emoji.id ?? emoji.name]) requirePermission(perms, PermissionFlagsBits.AddReactions);
  ctx.core.addReaction(message, ctx.core.world.botUser.id, emoji);
  return noContent;
}

export function removeReaction(ctx: RouteContext, userId: string): RouteResult {
  const channel = channelOf(ctx);
  const perms = botPermissions(ctx, channel);
  const message = messageOf(ctx, channel);
  const emoji = parseEmoji(ctx.core.world, ctx.params.emoji!);
  if (userId !== ctx.core.world.botUser.id) requirePermission(perms, PermissionFlagsBits.ManageMessages);
  ctx.core.removeReaction(message, userId, emoji);
  return noContent;
}

export function listReactionUsers(ctx: RouteContext): RouteResult {
  const channel = channelOf(ctx);
  const perms = botPermissions(ctx, channel);
  requirePermission(perms, PermissionFlagsBits.ReadMessageHistory);
  const message = messageOf(ctx, channel);
  const emoji = parseEmoji(ctx.core.world, ctx.params.emoji!);
  const limit = Math.min(100, Math.max(1, Number(ctx.query.get("limit") ?? 25)));
  const after = ctx.query.get("after");
  const ids = (message.reactions[emoji.id ?? emoji.name]?.userIds ?? [])
    .filter((id) => !after || BigInt(id) > BigInt(after))
    .sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1))
    .slice(0, limit);
  return ok(ids.map((id) => userJson(ctx.core.world.users.get(id)!)));
}
