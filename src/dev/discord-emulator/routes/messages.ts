import { MessageFlags, PermissionFlagsBits } from "discord-api-types/v10";
import { cannotEditOthersMessage, invalidFormBody, missingAccess } from "../errors.js";
import { messageJson } from "../json.js";
import { has } from "../permissions.js";
import { isSnowflake } from "../snowflake.js";
import { type MessageBody, validateMessageBody } from "../validate.js";
import { type ChannelRecord, isThread, type MessageRecord } from "../world.js";
import {
  botPermissions,
  channelOf,
  messageOf,
  noContent,
  ok,
  type RouteContext,
  type RouteResult,
  requirePermission,
  snowflakeParam,
} from "./context.js";

/* Channel messages: create (with nonce dedupe, replies), list, get, edit, delete. */

export function checkReference(
  ctx: RouteContext,
  channel: ChannelRecord,
  body: MessageBody,
  perms: bigint,
): MessageBody {
  const ref = body.message_reference;
  if (!ref) return body;
  requirePermission(perms, PermissionFlagsBits.ReadMessageHistory);
  const target = ref.message_id ? ctx.core.world.message(ref.channel_id ?? channel.id, ref.message_id) : undefined;
  if (target && target.channelId === channel.id) return body;
  if (ref.fail_if_not_exists === false) {
    const { message_reference: _dropped, ...rest } = body;
    return rest;
  }
  throw invalidFormBody([
    { path: ["message_reference"], error: { code: "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", message: "Unknown message" } },
  ]);
}

export function createChannelMessage(ctx: RouteContext): RouteResult {
  const channel = channelOf(ctx);
  const perms = botPermissions(ctx, channel);
  let body = validateMessageBody(ctx.body, { requireContent: ctx.attachments.length === 0 });
  requirePermission(
    perms,
    isThread(channel) ? PermissionFlagsBits.SendMessagesInThreads : PermissionFlagsBits.SendMessages,
  );
  if ((body.embeds?.length ?? 0) > 0) requirePermission(perms, PermissionFlagsBits.EmbedLinks);
  if (ctx.attachments.length > 0) requirePermission(perms, PermissionFlagsBits.AttachFiles);
  body = checkReference(ctx, channel, body, perms);
  const botId = ctx.core.world.botUser.id;
  if (body.enforce_nonce && body.nonce !== undefined && body.nonce !== null) {
    const previous = ctx.core.findByNonce(channel.id, botId, body.nonce);
    if (previous) return ok(messageJson(ctx.core.world, previous));
  }
  const allowedFlags = MessageFlags.SuppressEmbeds | MessageFlags.SuppressNotifications | MessageFlags.IsComponentsV2;
  const message = ctx.core.createMessage({
    channelId: channel.id,
    authorId: botId,
    body,
    flags: (body.flags ?? 0) & allowedFlags,
    attachments: ctx.attachments,
  });
  return ok(messageJson(ctx.core.world, message));
}

export function listMessages(ctx: RouteContext): RouteResult {
  const channel = channelOf(ctx);
  const perms = botPermissions(ctx, channel);
  const limitRaw = ctx.query.get("limit");
  const limit = limitRaw === null ? 50 : Number(limitRaw);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    throw invalidFormBody([
      {
        path: ["limit"],
        error: { code: "NUMBER_TYPE_MAX", message: "int value should be less than or equal to 100." },
      },
    ]);
  }
  // Without Read Message History, Discord answers with an empty list rather than an error.
  if (!has(perms, PermissionFlagsBits.ReadMessageHistory)) return ok([]);
  for (const key of ["before", "after", "around"]) {
    const v = ctx.query.get(key);
    if (v !== null && !isSnowflake(v)) throw snowflakeParam(key, v);
  }
  const all = (ctx.core.world.messages.get(channel.id) ?? []).filter((m) => !m.deleted && !m.ephemeral);
  const before = ctx.query.get("before");
  const after = ctx.query.get("after");
  const around = ctx.query.get("around");
  const newestFirst = [...all].reverse();
  let page: MessageRecord[];
  if (before) page = newestFirst.filter((m) => BigInt(m.id) < BigInt(before)).slice(0, limit);
  else if (after)
    page = all
      .filter((m) => BigInt(m.id) > BigInt(after))
      .slice(0, limit)
      .reverse();
  else if (around) {
    const older = newestFirst.filter((m) => BigInt(m.id) <= BigInt(around)).slice(0, Math.ceil(limit / 2));
    const newer = all
      .filter((m) => BigInt(m.id) > BigInt(around))
      .slice(0, Math.floor(limit / 2))
      .reverse();
    page = [...newer, ...older];
  } else page = newestFirst.slice(0, limit);
  return ok(page.map((m) => ctx.core.restMessageJson(m)));
}

export function getMessage(ctx: RouteContext): RouteResult {
  const channel = channelOf(ctx);
  const perms = botPermissions(ctx, channel);
  if (!has(perms, PermissionFlagsBits.ReadMessageHistory)) throw missingAccess();
  return ok(ctx.core.restMessageJson(messageOf(ctx, channel)));
}

export function editMessage(ctx: RouteContext): RouteResult {
  const channel = channelOf(ctx);
  const perms = botPermissions(ctx, channel);
  const message = messageOf(ctx, channel);
  if (message.authorId !== ctx.core.world.botUser.id || message.webhookId) throw cannotEditOthersMessage();
  const body = validateMessageBody(ctx.body, { requireContent: false });
  if ((body.embeds?.length ?? 0) > 0) requirePermission(perms, PermissionFlagsBits.EmbedLinks);
  return ok(messageJson(ctx.core.world, ctx.core.editMessage(message, body)));
}

export function deleteMessage(ctx: RouteContext): RouteResult {
  const channel = channelOf(ctx);
  const perms = botPermissions(ctx, channel);
  const message = messageOf(ctx, channel);
  if (message.authorId !== ctx.core.world.botUser.id) requirePermission(perms, PermissionFlagsBits.ManageMessages);
  ctx.core.deleteMessage(message);
  return noContent;
}
