import {
  ApplicationCommandType,
  ChannelType,
  InteractionResponseType,
  InteractionType,
  MessageFlags,
  MessageType,
  PermissionFlagsBits,
} from "discord-api-types/v10";
import type { CommandStore } from "./commands.js";
import { type EmulatorCore, parseEmoji } from "./core.js";
import {
  alreadyAcknowledged,
  cannotEditOthersMessage,
  DiscordHttpError,
  invalidFormBody,
  invalidWebhookToken,
  missingAccess,
  missingPermissions,
  threadAlreadyCreated,
  unknownApplicationCommand,
  unknownChannel,
  unknownGuild,
  unknownInteraction,
  unknownMember,
  unknownMessage,
  unknownUser,
  unknownWebhook,
} from "./errors.js";
import {
  INITIAL_RESPONSE_MS,
  type InteractionRecord,
  type InteractionRegistry,
  TOKEN_LIFETIME_MS,
} from "./interactions.js";
import { channelJson, currentUserJson, guildJson, memberJson, messageJson, roleJson, userJson } from "./json.js";
import { has } from "./permissions.js";
import { isSnowflake } from "./snowflake.js";
import {
  type MessageBody,
  validateCommand,
  validateCommands,
  validateInteractionCallback,
  validateMessageBody,
} from "./validate.js";
import { type ChannelRecord, isThread, type MessageRecord } from "./world.js";

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

const ok = (body: unknown): RouteResult => ({ status: 200, body });
const created = (body: unknown): RouteResult => ({ status: 201, body });
const noContent: RouteResult = { status: 204 };

/* ---------- lookups that answer with Discord's errors ---------- */

function channelOf(ctx: RouteContext): ChannelRecord {
  const id = ctx.params.channel_id!;
  if (!isSnowflake(id)) throw snowflakeParam("channel_id", id);
  const channel = ctx.core.world.liveChannel(id);
  if (!channel) throw unknownChannel();
  return channel;
}

function snowflakeParam(name: string, value: string) {
  return invalidFormBody([
    { path: [name], error: { code: "NUMBER_TYPE_COERCE", message: `Value "${value}" is not snowflake.` } },
  ]);
}

/** The bot's permissions in a channel; a channel it cannot see is "Missing Access" (50001). */
function botPermissions(ctx: RouteContext, channel: ChannelRecord): bigint {
  if (!channel.guildId) return ~0n;
  const perms = ctx.core.world.permissionsIn(ctx.core.world.botUser.id, channel.id);
  if (!has(perms, PermissionFlagsBits.ViewChannel)) throw missingAccess();
  return perms;
}

function requirePermission(perms: bigint, bit: bigint): void {
  if (!has(perms, bit)) throw missingPermissions();
}

function messageOf(ctx: RouteContext, channel: ChannelRecord): MessageRecord {
  const id = ctx.params.message_id!;
  if (!isSnowflake(id)) throw snowflakeParam("message_id", id);
  const message = ctx.core.world.message(channel.id, id);
  if (!message || message.ephemeral) throw unknownMessage();
  return message;
}

function guildOf(ctx: RouteContext): string {
  const id = ctx.params.guild_id!;
  if (!isSnowflake(id)) throw snowflakeParam("guild_id", id);
  if (!ctx.core.world.liveGuild(id)) throw unknownGuild();
  return id;
}

function checkApplication(ctx: RouteContext): void {
  if (ctx.params.application_id !== ctx.core.world.botUser.id) throw missingAccess();
}

/* ---------- messages ---------- */

function checkReference(ctx: RouteContext, channel: ChannelRecord, body: MessageBody, perms: bigint): MessageBody {
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

function createChannelMessage(ctx: RouteContext): RouteResult {
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

function listMessages(ctx: RouteContext): RouteResult {
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
  return ok(page.map((m) => messageJson(ctx.core.world, m)));
}

function getMessage(ctx: RouteContext): RouteResult {
  const channel = channelOf(ctx);
  const perms = botPermissions(ctx, channel);
  if (!has(perms, PermissionFlagsBits.ReadMessageHistory)) throw missingAccess();
  return ok(messageJson(ctx.core.world, messageOf(ctx, channel)));
}

function editMessage(ctx: RouteContext): RouteResult {
  const channel = channelOf(ctx);
  const perms = botPermissions(ctx, channel);
  const message = messageOf(ctx, channel);
  if (message.authorId !== ctx.core.world.botUser.id || message.webhookId) throw cannotEditOthersMessage();
  const body = validateMessageBody(ctx.body, { requireContent: false });
  if ((body.embeds?.length ?? 0) > 0) requirePermission(perms, PermissionFlagsBits.EmbedLinks);
  return ok(messageJson(ctx.core.world, ctx.core.editMessage(message, body)));
}

function deleteMessage(ctx: RouteContext): RouteResult {
  const channel = channelOf(ctx);
  const perms = botPermissions(ctx, channel);
  const message = messageOf(ctx, channel);
  if (message.authorId !== ctx.core.world.botUser.id) requirePermission(perms, PermissionFlagsBits.ManageMessages);
  ctx.core.deleteMessage(message);
  return noContent;
}

/* ---------- reactions ---------- */

function addOwnReaction(ctx: RouteContext): RouteResult {
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

function removeReaction(ctx: RouteContext, userId: string): RouteResult {
  const channel = channelOf(ctx);
  const perms = botPermissions(ctx, channel);
  const message = messageOf(ctx, channel);
  const emoji = parseEmoji(ctx.core.world, ctx.params.emoji!);
  if (userId !== ctx.core.world.botUser.id) requirePermission(perms, PermissionFlagsBits.ManageMessages);
  ctx.core.removeReaction(message, userId, emoji);
  return noContent;
}

function listReactionUsers(ctx: RouteContext): RouteResult {
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

/* ---------- threads ---------- */

function threadName(body: unknown): string {
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
  return name;
}

function threadableParent(channel: ChannelRecord): void {
  if (channel.type !== ChannelType.GuildText && channel.type !== ChannelType.GuildAnnouncement) {
    throw new DiscordHttpError(400, 50024, "Cannot execute action on this channel type");
  }
}

function startThreadFromMessage(ctx: RouteContext): RouteResult {
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

function startThread(ctx: RouteContext): RouteResult {
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

/* ---------- interactions and their webhooks ---------- */

function interactionFor(ctx: RouteContext): InteractionRecord {
  const record = ctx.interactions.byId.get(ctx.params.interaction_id!);
  if (!record || record.token !== ctx.params.interaction_token) throw unknownInteraction();
  return record;
}

function interactionCallback(ctx: RouteContext): RouteResult {
  const record = interactionFor(ctx);
  if (record.responseType !== null) throw alreadyAcknowledged();
  // An interaction not answered within 3 s is gone: Discord shows "The application did not respond".
  if (ctx.core.now() - record.createdAt > INITIAL_RESPONSE_MS) throw unknownInteraction();
  const { type, data } = validateInteractionCallback(ctx.body);
  const isAutocomplete = record.type === InteractionType.ApplicationCommandAutocomplete;
  if (isAutocomplete !== (type === InteractionResponseType.ApplicationCommandAutocompleteResult)) {
    throw new DiscordHttpError(400, 50035, "Invalid Form Body", [
      {
        path: ["type"],
        error: { code: "INTERACTION_RESPONSE_TYPE_INVALID", message: "Invalid interaction response type" },
      },
    ]);
  }
  let message: MessageRecord | undefined;
  const messageType =
    record.commandType === ApplicationCommandType.ChatInput
      ? MessageType.ChatInputCommand
      : MessageType.ContextMenuCommand;
  const interaction = {
    id: record.id,
    type: record.type,
    name: record.commandName,
    userId: record.userId,
    commandType: record.commandType,
  };
  if (type === InteractionResponseType.ChannelMessageWithSource) {
    const body = underData(() => validateMessageBody(data ?? {}, { requireContent: true }));
    message = ctx.core.createMessage({
      channelId: record.channelId,
      authorId: ctx.core.world.botUser.id,
      body,
      type: messageType,
      flags: (body.flags ?? 0) & (MessageFlags.Ephemeral | MessageFlags.SuppressEmbeds | MessageFlags.IsComponentsV2),
      webhookId: record.applicationId,
      applicationId: record.applicationId,
      interaction,
    });
  } else if (type === InteractionResponseType.DeferredChannelMessageWithSource) {
    const flags = ((data as { flags?: number } | undefined)?.flags ?? 0) & MessageFlags.Ephemeral;
    message = ctx.core.createMessage({
      channelId: record.channelId,
      authorId: ctx.core.world.botUser.id,
      body: {},
      type: messageType,
      flags: flags | MessageFlags.Loading,
      webhookId: record.applicationId,
      applicationId: record.applicationId,
      interaction,
    });
  } else if (type === InteractionResponseType.ApplicationCommandAutocompleteResult) {
    record.choices = (data as { choices: InteractionRecord["choices"] }).choices;
  }
  record.responseType = type;
  if (message) record.originalMessageId = message.id;
  ctx.core.events.emit("interaction", record);
  if (ctx.query.get("with_response") !== "true") return noContent;
  return ok({
    interaction: {
      id: record.id,
      type: record.type,
      activity_instance_id: null,
      response_message_id: message?.id ?? null,
      response_message_loading: message ? (message.flags & MessageFlags.Loading) !== 0 : null,
      response_message_ephemeral: message ? message.ephemeral : null,
    },
    resource: { type, ...(message ? { message: messageJson(ctx.core.world, message) } : {}) },
  });
}

/** A callback's message lives under `data`, and Discord's error paths say so (`data.embeds[0].title`). */
function underData<T>(validate: () => T): T {
  try {
    return validate();
  } catch (err) {
    if (err instanceof DiscordHttpError && err.fieldErrors.length > 0) {
      throw invalidFormBody(err.fieldErrors.map((f) => ({ ...f, path: ["data", ...f.path] })));
    }
    throw err;
  }
}

function webhookInteraction(ctx: RouteContext): InteractionRecord {
  const record = ctx.interactions.byToken.get(ctx.params.webhook_token!);
  if (!record || ctx.params.application_id !== record.applicationId) throw unknownWebhook();
  if (ctx.core.now() - record.createdAt > TOKEN_LIFETIME_MS) throw invalidWebhookToken();
  return record;
}

function webhookMessage(ctx: RouteContext, record: InteractionRecord): MessageRecord {
  const id = ctx.params.message_id === "@original" ? record.originalMessageId : ctx.params.message_id!;
  const own = id !== null && (id === record.originalMessageId || record.followupIds.includes(id));
  const message = own ? ctx.core.world.messagesById.get(id) : undefined;
  if (!message || message.deleted) throw unknownMessage();
  return message;
}

function followUp(ctx: RouteContext): RouteResult {
  const record = webhookInteraction(ctx);
  if (record.responseType === null) throw unknownWebhook();
  const body = validateMessageBody(ctx.body, { requireContent: ctx.attachments.length === 0 });
  const original = record.originalMessageId ? ctx.core.world.messagesById.get(record.originalMessageId) : undefined;
  // After a defer, the first follow-up fills in the "thinking…" message instead of adding one.
  if (original && !original.deleted && original.flags & MessageFlags.Loading) {
    return ok(messageJson(ctx.core.world, ctx.core.editMessage(original, body, { clearFlags: MessageFlags.Loading })));
  }
  const message = ctx.core.createMessage({
    channelId: record.channelId,
    authorId: ctx.core.world.botUser.id,
    body,
    flags: (body.flags ?? 0) & (MessageFlags.Ephemeral | MessageFlags.SuppressEmbeds | MessageFlags.IsComponentsV2),
    webhookId: record.applicationId,
    applicationId: record.applicationId,
    interaction: { id: record.id, type: record.type, name: record.commandName, userId: record.userId },
    attachments: ctx.attachments,
  });
  record.followupIds.push(message.id);
  ctx.core.events.emit("interaction", record);
  return ok(messageJson(ctx.core.world, message));
}

function editWebhookMessage(ctx: RouteContext): RouteResult {
  const record = webhookInteraction(ctx);
  const message = webhookMessage(ctx, record);
  const body = validateMessageBody(ctx.body, { requireContent: false });
  return ok(messageJson(ctx.core.world, ctx.core.editMessage(message, body, { clearFlags: MessageFlags.Loading })));
}

function getWebhookMessage(ctx: RouteContext): RouteResult {
  const record = webhookInteraction(ctx);
  return ok(messageJson(ctx.core.world, webhookMessage(ctx, record)));
}

function deleteWebhookMessage(ctx: RouteContext): RouteResult {
  const record = webhookInteraction(ctx);
  ctx.core.deleteMessage(webhookMessage(ctx, record));
  return noContent;
}

/* ---------- commands ---------- */

function commandScope(ctx: RouteContext): string | null {
  checkApplication(ctx);
  if (!ctx.params.guild_id) return null;
  const guildId = guildOf(ctx);
  return guildId;
}

function getCommand(ctx: RouteContext): RouteResult {
  const command = ctx.commands.list(commandScope(ctx)).find((c) => c.id === ctx.params.command_id);
  if (!command) throw unknownApplicationCommand();
  return ok(command);
}

function deleteCommand(ctx: RouteContext): RouteResult {
  if (!ctx.commands.delete(commandScope(ctx), ctx.params.command_id!)) throw unknownApplicationCommand();
  return noContent;
}

/* ---------- the table ---------- */

const application = (ctx: RouteContext) => {
  const bot = ctx.core.world.botUser;
  return {
    id: bot.id,
    name: bot.username,
    icon: null,
    description: "",
    summary: "",
    type: null,
    bot_public: true,
    bot_require_code_grant: false,
    verify_key: "0".repeat(64),
    flags: 0,
    owner: userJson(ctx.core.world.users.get([...ctx.core.world.guilds.values()][0]?.ownerId ?? bot.id) ?? bot),
    team: null,
    bot: userJson(bot),
    approximate_guild_count: [...ctx.core.world.guilds.values()].filter((g) => !g.removed).length,
    integration_types_config: { "0": {} },
  };
};

export const ROUTES: RouteDefinition[] = [
  { method: "GET", path: "/gateway", auth: false, handler: (ctx) => ok({ url: ctx.gatewayUrl }) },
  {
    method: "GET",
    path: "/gateway/bot",
    auth: true,
    handler: (ctx) =>
      ok({
        url: ctx.gatewayUrl,
        shards: ctx.recommendedShards(),
        session_start_limit: { total: 1000, remaining: 1000, reset_after: 86_400_000, max_concurrency: 1 },
      }),
  },
  { method: "GET", path: "/users/@me", auth: true, handler: (ctx) => ok(currentUserJson(ctx.core.world.botUser)) },
  {
    method: "GET",
    path: "/users/:user_id",
    auth: true,
    handler: (ctx) => {
      const user = ctx.core.world.users.get(ctx.params.user_id!);
      if (!user) throw unknownUser();
      return ok(userJson(user));
    },
  },
  { method: "GET", path: "/applications/@me", auth: true, handler: (ctx) => ok(application(ctx)) },
  { method: "GET", path: "/oauth2/applications/@me", auth: true, handler: (ctx) => ok(application(ctx)) },

  {
    method: "GET",
    path: "/applications/:application_id/commands",
    auth: true,
    handler: (ctx) => ok(ctx.commands.list(commandScope(ctx))),
  },
  {
    method: "PUT",
    path: "/applications/:application_id/commands",
    auth: true,
    handler: (ctx) => ok(ctx.commands.overwrite(commandScope(ctx), validateCommands(ctx.body))),
  },
  {
    method: "POST",
    path: "/applications/:application_id/commands",
    auth: true,
    handler: (ctx) => {
      const { command, created: isNew } = ctx.commands.upsert(commandScope(ctx), validateCommand(ctx.body));
      return isNew ? created(command) : ok(command);
    },
  },
  { method: "GET", path: "/applications/:application_id/commands/:command_id", auth: true, handler: getCommand },
  { method: "DELETE", path: "/applications/:application_id/commands/:command_id", auth: true, handler: deleteCommand },
  {
    method: "GET",
    path: "/applications/:application_id/guilds/:guild_id/commands",
    auth: true,
    major: "guild_id",
    handler: (ctx) => ok(ctx.commands.list(commandScope(ctx))),
  },
  {
    method: "PUT",
    path: "/applications/:application_id/guilds/:guild_id/commands",
    auth: true,
    major: "guild_id",
    handler: (ctx) => ok(ctx.commands.overwrite(commandScope(ctx), validateCommands(ctx.body))),
  },
  {
    method: "POST",
    path: "/applications/:application_id/guilds/:guild_id/commands",
    auth: true,
    major: "guild_id",
    handler: (ctx) => {
      const { command, created: isNew } = ctx.commands.upsert(commandScope(ctx), validateCommand(ctx.body));
      return isNew ? created(command) : ok(command);
    },
  },
  {
    method: "GET",
    path: "/applications/:application_id/guilds/:guild_id/commands/:command_id",
    auth: true,
    major: "guild_id",
    handler: getCommand,
  },
  {
    method: "DELETE",
    path: "/applications/:application_id/guilds/:guild_id/commands/:command_id",
    auth: true,
    major: "guild_id",
    handler: deleteCommand,
  },

  {
    method: "GET",
    path: "/guilds/:guild_id",
    auth: true,
    major: "guild_id",
    handler: (ctx) => ok(guildJson(ctx.core.world, guildOf(ctx))),
  },
  {
    method: "GET",
    path: "/guilds/:guild_id/channels",
    auth: true,
    major: "guild_id",
    handler: (ctx) =>
      ok(
        ctx.core.world
          .guildChannels(guildOf(ctx))
          .filter((c) => !isThread(c))
          .map((c) => channelJson(c)),
      ),
  },
  {
    method: "GET",
    path: "/guilds/:guild_id/roles",
    auth: true,
    major: "guild_id",
    handler: (ctx) => ok(ctx.core.world.guildRoles(guildOf(ctx)).map(roleJson)),
  },
  {
    method: "GET",
    path: "/guilds/:guild_id/members/:user_id",
    auth: true,
    major: "guild_id",
    handler: (ctx) => {
      const member = ctx.core.world.member(guildOf(ctx), ctx.params.user_id!);
      if (!member) throw unknownMember();
      return ok(memberJson(ctx.core.world, member));
    },
  },

  {
    method: "GET",
    path: "/channels/:channel_id",
    auth: true,
    major: "channel_id",
    handler: (ctx) => {
      const channel = channelOf(ctx);
      botPermissions(ctx, channel);
      return ok(channelJson(channel));
    },
  },
  { method: "GET", path: "/channels/:channel_id/messages", auth: true, major: "channel_id", handler: listMessages },
  {
    method: "POST",
    path: "/channels/:channel_id/messages",
    auth: true,
    major: "channel_id",
    handler: createChannelMessage,
  },
  {
    method: "GET",
    path: "/channels/:channel_id/messages/:message_id",
    auth: true,
    major: "channel_id",
    handler: getMessage,
  },
  {
    method: "PATCH",
    path: "/channels/:channel_id/messages/:message_id",
    auth: true,
    major: "channel_id",
    handler: editMessage,
  },
  {
    method: "DELETE",
    path: "/channels/:channel_id/messages/:message_id",
    auth: true,
    major: "channel_id",
    handler: deleteMessage,
  },
  {
    method: "PUT",
    path: "/channels/:channel_id/messages/:message_id/reactions/:emoji/@me",
    auth: true,
    major: "channel_id",
    handler: addOwnReaction,
  },
  {
    method: "DELETE",
    path: "/channels/:channel_id/messages/:message_id/reactions/:emoji/@me",
    auth: true,
    major: "channel_id",
    handler: (ctx) => removeReaction(ctx, ctx.core.world.botUser.id),
  },
  {
    method: "DELETE",
    path: "/channels/:channel_id/messages/:message_id/reactions/:emoji/:user_id",
    auth: true,
    major: "channel_id",
    handler: (ctx) => removeReaction(ctx, ctx.params.user_id!),
  },
  {
    method: "GET",
    path: "/channels/:channel_id/messages/:message_id/reactions/:emoji",
    auth: true,
    major: "channel_id",
    handler: listReactionUsers,
  },
  {
    method: "POST",
    path: "/channels/:channel_id/messages/:message_id/threads",
    auth: true,
    major: "channel_id",
    handler: startThreadFromMessage,
  },
  { method: "POST", path: "/channels/:channel_id/threads", auth: true, major: "channel_id", handler: startThread },
  {
    method: "POST",
    path: "/channels/:channel_id/typing",
    auth: true,
    major: "channel_id",
    handler: (ctx) => {
      botPermissions(ctx, channelOf(ctx));
      return noContent;
    },
  },

  {
    method: "POST",
    path: "/interactions/:interaction_id/:interaction_token/callback",
    auth: false,
    major: "interaction_id",
    handler: interactionCallback,
  },
  {
    method: "POST",
    path: "/webhooks/:application_id/:webhook_token",
    auth: false,
    major: "webhook_token",
    handler: followUp,
  },
  {
    method: "GET",
    path: "/webhooks/:application_id/:webhook_token/messages/:message_id",
    auth: false,
    major: "webhook_token",
    handler: getWebhookMessage,
  },
  {
    method: "PATCH",
    path: "/webhooks/:application_id/:webhook_token/messages/:message_id",
    auth: false,
    major: "webhook_token",
    handler: editWebhookMessage,
  },
  {
    method: "DELETE",
    path: "/webhooks/:application_id/:webhook_token/messages/:message_id",
    auth: false,
    major: "webhook_token",
    handler: deleteWebhookMessage,
  },
];
