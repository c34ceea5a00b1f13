import { ChannelType, PermissionFlagsBits } from "discord-api-types/v10";
import { DiscordHttpError, invalidFormBody, threadAlreadyCreated } from "../errors.js";
import { channelJson } from "../json.js";
import type { ChannelRecord } from "../world.js";
import {
  botPermissions,
  channelOf,
  created,
  messageOf,
  type RouteContext,
  type RouteResult,
  requirePermission,
} from "./context.js";

/* Threads: from a message (same id as the message) or standalone. */

export function threadName(body: unknown): string {
  const name = (body as { name?: unknown } | null)?.name;
  if (typeof name !== "string" || name.length === 0) {
    throw invalidFormBody([
      { path: ["name"], error: { code: "BASE_TYPE_REQUIRED", message: "This field is required" } },
    ]);
  }
  if (name.length > 100) {
    throw invalidFormBody([
      { path: ["name"], error: { code: "BASE_TYPE_MAX_LENGTH", message: "Must be 100 or fewer in length." } },
    ]);
  }
  const archive = (body as { auto_archive_duration?: unknown }).auto_archive_duration;
  if (archive !== undefined && !AUTO_ARCHIVE_MINUTES.includes(archive as number)) {
    throw invalidFormBody([
      {
        path: ["auto_archive_duration"],
        error: { code: "BASE_TYPE_CHOICES", message: `Value must be one of {${AUTO_ARCHIVE_MINUTES.join(", ")}}.` },
      },
    ]);
  }
  return name;
}

/** The only archive delays Discord offers (minutes). */
const AUTO_ARCHIVE_MINUTES: readonly unknown[] = [60, 1440, 4320, 10080];

export function threadableParent(channel: ChannelRecord): void {
  if (channel.type !== ChannelType.GuildText && channel.type !== ChannelType.GuildAnnouncement) {
    throw new DiscordHttpError(400, 50024, "Cannot execute action on this channel type");
  }
}

export function startThreadFromMessage(ctx: RouteContext): RouteResult {
  const channel = channelOf(ctx);
  const perms = botPermissions(ctx, channel);
  threadableParent(channel);
  const message = messageOf(ctx, channel);
  const name = threadName(ctx.body);
  requirePermission(perms, PermissionFlagsBits.CreatePublicThreads);
  if (message.threadId) throw threadAlreadyCreated();
  const thread = ctx.core.createThread({
    parentId: channel.id,
    name,
    ownerId: ctx.core.world.botUser.id,
    fromMessage: message,
  });
  return created(channelJson(thread));
}

export function startThread(ctx: RouteContext): RouteResult {
  const channel = channelOf(ctx);
  const perms = botPermissions(ctx, channel);
  threadableParent(channel);
  const name = threadName(ctx.body);
  const type = (ctx.body as { type?: number }).type ?? ChannelType.PrivateThread;
  requirePermission(
    perms,
    type === ChannelType.PrivateThread
      ? PermissionFlagsBits.CreatePrivateThreads
      : PermissionFlagsBits.CreatePublicThreads,
  );
  const thread = ctx.core.createThread({ parentId: channel.id, name, ownerId: ctx.core.world.botUser.id, type });
  return created(channelJson(thread));
}
