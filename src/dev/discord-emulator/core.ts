import { EventEmitter } from "node:events";
import type { APIEmbed } from "discord-api-types/v10";
import { ChannelType, GatewayIntentBits, MessageFlags, MessageType } from "discord-api-types/v10";
import { unknownEmoji } from "./errors.js";
import type { Gateway, GatewaySession } from "./gateway.js";
import { channelJson, memberJson, messageJson } from "./json.js";
import type { MessageBody } from "./validate.js";
import { isThread, type MessageRecord, type World } from "./world.js";

/*
 * The operations REST routes and test controls share: creating, editing and deleting messages,
 * reactions and threads, each followed by the gateway events Discord sends for it.
 */

export class EmulatorCore {
  /** Emits "message" and "interaction" on every change, so handles and waiters can re-check. */
  readonly events = new EventEmitter();
  /** `${channelId}:${authorId}:${nonce}` → message id and when, for `enforce_nonce`. */
  readonly #nonces = new Map<string, { messageId: string; at: number }>();
  clockOffsetMs = 0;

  constructor(
    readonly world: World,
    readonly gateway: Gateway,
    readonly options: { nonceWindowMs: number; messageContentEnabled: boolean },
  ) {
    this.events.setMaxListeners(0);
  }

  /** The emulator's notion of "now" for deadlines (interaction tokens); tests can move it forward. */
  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  /**
   * A message as REST shows it to the bot: without the Message Content intent enabled for the app,
   * other users' guild messages come back without content (mentions of the bot excepted), as on Discord.
   */
  restMessageJson(message: MessageRecord): Record<string, unknown> {
    const json = messageJson(this.world, message);
    return this.#canReadContent(message, this.options.messageContentEnabled) ? json : withoutContent(json);
  }

  #canReadContent(message: MessageRecord, intent: boolean): boolean {
    const botId = this.world.botUser.id;
    return intent || message.authorId === botId || !message.guildId || message.content.includes(`<@${botId}>`);
  }

  /** A previously created message with this nonce, if `enforce_nonce` should return it instead. */
  findByNonce(channelId: string, authorId: string, nonce: string | number): MessageRecord | undefined {
    const hit = this.#nonces.get(`${channelId}:${authorId}:${nonce}`);
    if (!hit || this.now() - hit.at > this.options.nonceWindowMs) return undefined;
    const message = this.world.messagesById.get(hit.messageId);
    return message && !message.deleted ? message : undefined;
  }

  createMessage(input: {
    channelId: string;
    authorId: string;
    body: MessageBody;
    type?: MessageType;
    flags?: number;
    webhookId?: string | null;
    applicationId?: string | null;
    interaction?: MessageRecord["interaction"];
    attachments?: MessageRecord["attachments"];
  }): MessageRecord {
    const channel = this.world.channels.get(input.channelId)!;
    const flags = input.flags ?? input.body.flags ?? 0;
    const message: MessageRecord = {
      id: this.world.ids.next(),
      channelId: channel.id,
      guildId: channel.guildId,
      authorId: input.authorId,
      type: input.type ?? (input.body.message_reference ? MessageType.Reply : MessageType.Default),
      content: input.body.content ?? "",
      embeds: normalizeEmbeds(input.body.embeds ?? []),
      allowedMentions: input.body.allowed_mentions ?? null,
      flags,
      nonce: input.body.nonce ?? null,
      messageReference: input.body.message_reference
        ? {
            channel_id: channel.id,
            ...(channel.guildId ? { guild_id: channel.guildId } : {}),
            ...input.body.message_reference,
          }
        : null,
      attachments: input.attachments ?? [],
      components: (input.body.components as unknown[] | undefined) ?? [],
      timestamp: new Date().toISOString(),
      editedTimestamp: null,
      edits: [],
      reactions: {},
      ephemeral: (flags & MessageFlags.Ephemeral) !== 0,
      webhookId: input.webhookId ?? null,
      applicationId: input.applicationId ?? null,
      interaction: input.interaction ?? null,
      threadId: null,
      deleted: false,
    };
    this.world.addMessage(message);
    if (message.nonce !== null) {
      this.#nonces.set(`${channel.id}:${input.authorId}:${message.nonce}`, { messageId: message.id, at: this.now() });
    }
    if (!message.ephemeral) this.#dispatchMessage("MESSAGE_CREATE", message);
    this.events.emit("message", message);
    return message;
  }

  /** Applies an edit, keeping the previous state in `edits` (what tests read as the edit history). */
  editMessage(message: MessageRecord, body: MessageBody, options: { clearFlags?: number } = {}): MessageRecord {
    message.edits.push({
      at: message.editedTimestamp ?? message.timestamp,
      content: message.content,
      embeds: message.embeds,
      allowedMentions: message.allowedMentions,
    });
    if (body.content !== undefined) message.content = body.content ?? "";
    if (body.embeds !== undefined) message.embeds = normalizeEmbeds(body.embeds ?? []);
    if (body.allowed_mentions !== undefined) message.allowedMentions = body.allowed_mentions ?? null;
    if (body.components !== undefined) message.components = (body.components as unknown[] | null) ?? [];
    // Only Suppress Embeds can be toggled by an edit; the other flags belong to Discord.
    if (body.flags !== undefined && body.flags !== null) {
      message.flags = (message.flags & ~MessageFlags.SuppressEmbeds) | (body.flags & MessageFlags.SuppressEmbeds);
    }
    if (options.clearFlags) message.flags &= ~options.clearFlags;
    message.editedTimestamp = new Date().toISOString();
    if (!message.ephemeral) this.#dispatchMessage("MESSAGE_UPDATE", message);
    this.events.emit("message", message);
    return message;
  }

  deleteMessage(message: MessageRecord): void {
    message.deleted = true;
    if (message.ephemeral) return;
    this.gateway.dispatch(
      "MESSAGE_DELETE",
      { id: message.id, channel_id: message.channelId, ...(message.guildId ? { guild_id: message.guildId } : {}) },
      this.#messageTarget(message, GatewayIntentBits.GuildMessages, GatewayIntentBits.DirectMessages),
    );
    this.events.emit("message", message);
  }

  /** Adds a reaction; returns false if the user had already reacted with it (nothing is sent then). */
  addReaction(message: MessageRecord, userId: string, emoji: ParsedEmoji): boolean {
    const key = emoji.id ?? emoji.name;
    message.reactions[key] ??= { emoji: emojiJson(emoji), userIds: [] };
    const reaction = message.reactions[key];
    if (reaction.userIds.includes(userId)) return false;
    reaction.userIds.push(userId);
    const member = message.guildId ? this.world.member(message.guildId, userId) : undefined;
    this.gateway.dispatch(
      "MESSAGE_REACTION_ADD",
      {
        user_id: userId,
        channel_id: message.channelId,
        message_id: message.id,
        ...(message.guildId ? { guild_id: message.guildId } : {}),
        ...(member ? { member: memberJson(this.world, member) } : {}),
        emoji: emojiJson(emoji),
        message_author_id: message.authorId,
        burst: false,
        burst_colors: [],
        type: 0,
      },
      this.#messageTarget(message, GatewayIntentBits.GuildMessageReactions, GatewayIntentBits.DirectMessageReactions),
    );
    this.events.emit("message", message);
    return true;
  }

  removeReaction(message: MessageRecord, userId: string, emoji: ParsedEmoji): boolean {
    const reaction = message.reactions[emoji.id ?? emoji.name];
    if (!reaction?.userIds.includes(userId)) return false;
    reaction.userIds = reaction.userIds.filter((id) => id !== userId);
    if (reaction.userIds.length === 0) delete message.reactions[emoji.id ?? emoji.name];
    this.gateway.dispatch(
      "MESSAGE_REACTION_REMOVE",
      {
        user_id: userId,
        channel_id: message.channelId,
        message_id: message.id,
        ...(message.guildId ? { guild_id: message.guildId } : {}),
        emoji: emojiJson(emoji),
        burst: false,
        type: 0,
      },
      this.#messageTarget(message, GatewayIntentBits.GuildMessageReactions, GatewayIntentBits.DirectMessageReactions),
    );
    this.events.emit("message", message);
    return true;
  }

  /** A thread channel; started from a message it takes that message's id, as on Discord. */
  createThread(input: {
    parentId: string;
    name: string;
    ownerId: string;
    fromMessage?: MessageRecord;
    type?: ChannelType;
  }) {
    const parent = this.world.channels.get(input.parentId)!;
    const type =
      input.type ??
      (parent.type === ChannelType.GuildAnnouncement ? ChannelType.AnnouncementThread : ChannelType.PublicThread);
    const thread = this.world.addChannel(parent.guildId, {
      ...(input.fromMessage ? { id: input.fromMessage.id } : {}),
      name: input.name,
      type,
      parentId: parent.id,
      ownerId: input.ownerId,
    });
    if (input.fromMessage) input.fromMessage.threadId = thread.id;
    this.gateway.dispatch(
      "THREAD_CREATE",
      { ...channelJson(thread), newly_created: true },
      { guildId: thread.guildId, intent: GatewayIntentBits.Guilds },
    );
    return thread;
  }

  deleteChannel(channelId: string): void {
    const channel = this.world.channels.get(channelId);
    if (!channel || channel.deleted) return;
    channel.deleted = true;
    const event = isThread(channel) ? "THREAD_DELETE" : "CHANNEL_DELETE";
    const data = isThread(channel)
      ? { id: channel.id, guild_id: channel.guildId, parent_id: channel.parentId, type: channel.type }
      : channelJson(channel);
    this.gateway.dispatch(event, data, { guildId: channel.guildId, intent: GatewayIntentBits.Guilds });
    // Threads go with their parent, silently (Discord does not send THREAD_DELETE for them).
    for (const child of this.world.channels.values()) {
      if (child.parentId === channelId && isThread(child)) child.deleted = true;
    }
  }

  removeGuild(guildId: string): void {
    const guild = this.world.guilds.get(guildId);
    if (!guild || guild.removed) return;
    // Dispatch before marking removed so the shard filter still routes it; `unavailable` absent = kicked.
    this.gateway.dispatch("GUILD_DELETE", { id: guildId }, { guildId, intent: GatewayIntentBits.Guilds });
    guild.removed = true;
  }

  #dispatchMessage(t: "MESSAGE_CREATE" | "MESSAGE_UPDATE", message: MessageRecord): void {
    const full = messageJson(this.world, message, { gateway: true });
    this.gateway.dispatch(
      t,
      (session: GatewaySession) => {
        // Without the Message Content intent, others' guild messages arrive without their content.
        const intent = (session.intents & GatewayIntentBits.MessageContent) !== 0;
        return this.#canReadContent(message, intent) ? full : withoutContent(full);
      },
      this.#messageTarget(message, GatewayIntentBits.GuildMessages, GatewayIntentBits.DirectMessages),
    );
  }

  #messageTarget(message: MessageRecord, guildIntent: number, dmIntent: number) {
    return message.guildId ? { guildId: message.guildId, intent: guildIntent } : { guildId: null, intent: dmIntent };
  }
}

function withoutContent(json: Record<string, unknown>): Record<string, unknown> {
  return { ...json, content: "", embeds: [], attachments: [], components: [] };
}

export interface ParsedEmoji {
  id: string | null;
  name: string;
  animated: boolean;
}

function emojiJson(emoji: ParsedEmoji) {
  return emoji.id ? { id: emoji.id, name: emoji.name, animated: emoji.animated } : { id: null, name: emoji.name };
}

const CUSTOM_EMOJI = /^(a:)?([\w~-]{2,32}):(\d{17,20})$/;
const UNICODE_EMOJI = /^(?:\p{Extended_Pictographic}|\p{Regional_Indicator}|[#*0-9]\uFE0F?\u20E3)/u;

/** Parses the emoji of a reaction route (`👍` or `name:id`), checking it exists as Discord does. */
export function parseEmoji(world: World, raw: string): ParsedEmoji {
  const custom = CUSTOM_EMOJI.exec(raw);
  if (custom) {
    const record = world.emojis.get(custom[3]!);
    if (!record) throw unknownEmoji();
    return { id: record.id, name: record.name, animated: record.animated };
  }
  if (!UNICODE_EMOJI.test(raw)) throw unknownEmoji();
  return { id: null, name: raw, animated: false };
}

/** Discord fills in `type: "rich"` for embeds that do not say. */
function normalizeEmbeds(embeds: readonly APIEmbed[]): APIEmbed[] {
  return embeds.map((e) => ({ type: "rich" as APIEmbed["type"], ...e }));
}
