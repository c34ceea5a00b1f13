import {
  ApplicationCommandType,
  InteractionResponseType,
  InteractionType,
  MessageFlags,
  MessageType,
} from "discord-api-types/v10";
import {
  alreadyAcknowledged,
  DiscordHttpError,
  invalidFormBody,
  invalidWebhookToken,
  unknownInteraction,
  unknownMessage,
  unknownWebhook,
} from "../errors.js";
import { INITIAL_RESPONSE_MS, type InteractionRecord, TOKEN_LIFETIME_MS } from "../interactions.js";
import { messageJson } from "../json.js";
import { validateInteractionCallback, validateMessageBody } from "../validate.js";
import type { MessageRecord } from "../world.js";
import { noContent, ok, type RouteContext, type RouteResult } from "./context.js";

/* Interaction callbacks and the interaction webhook (follow-ups, @original). */

export function interactionFor(ctx: RouteContext): InteractionRecord {
  const record = ctx.interactions.byId.get(ctx.params.interaction_id!);
  if (!record || record.token !== ctx.params.interaction_token) throw unknownInteraction();
  return record;
}

export function interactionCallback(ctx: RouteContext): RouteResult {
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
export function underData<T>(validate: () => T): T {
  try {
    return validate();
  } catch (err) {
    if (err instanceof DiscordHttpError && err.fieldErrors.length > 0) {
      throw invalidFormBody(err.fieldErrors.map((f) => ({ ...f, path: ["data", ...f.path] })));
    }
    throw err;
  }
}

export function webhookInteraction(ctx: RouteContext): InteractionRecord {
  const record = ctx.interactions.byToken.get(ctx.params.webhook_token!);
  if (!record || ctx.params.application_id !== record.applicationId) throw unknownWebhook();
  if (ctx.core.now() - record.createdAt > TOKEN_LIFETIME_MS) throw invalidWebhookToken();
  return record;
}

export function webhookMessage(ctx: RouteContext, record: InteractionRecord): MessageRecord {
  const id = ctx.params.message_id === "@original" ? record.originalMessageId : ctx.params.message_id!;
  const own = id !== null && (id === record.originalMessageId || record.followupIds.includes(id));
  const message = own ? ctx.core.world.messagesById.get(id) : undefined;
  if (!message || message.deleted) throw unknownMessage();
  return message;
}

export function followUp(ctx: RouteContext): RouteResult {
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

export function editWebhookMessage(ctx: RouteContext): RouteResult {
  const record = webhookInteraction(ctx);
  const message = webhookMessage(ctx, record);
  const body = validateMessageBody(ctx.body, { requireContent: false });
  return ok(messageJson(ctx.core.world, ctx.core.editMessage(message, body, { clearFlags: MessageFlags.Loading })));
}

export function getWebhookMessage(ctx: RouteContext): RouteResult {
  const record = webhookInteraction(ctx);
  return ok(messageJson(ctx.core.world, webhookMessage(ctx, record)));
}

export function deleteWebhookMessage(ctx: RouteContext): RouteResult {
  const record = webhookInteraction(ctx);
  ctx.core.deleteMessage(webhookMessage(ctx, record));
  return noContent;
}
