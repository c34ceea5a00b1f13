import type { APIAllowedMentions, APIEmbed, APIMessageReference } from "discord-api-types/v10";
import { ChannelType } from "discord-api-types/v10";
import { computePermissions, DEFAULT_EVERYONE_PERMISSIONS, type Overwrite } from "./permissions.js";
import { SnowflakeGenerator, snowflakeTime } from "./snowflake.js";

/*
 * The emulator's state: plain records (so tests can snapshot them with structuredClone) and the
 * rules that read them (permissions). Turning records into Discord's JSON lives in ./json.ts.
 */

export interface UserRecord {
  id: string;
  username: string;
  globalName: string | null;
  bot: boolean;
}

export interface RoleRecord {
  id: string;
  guildId: string;
  name: string;
  permissions: bigint;
  position: number;
  color: number;
  /** Set on the role Discord creates for a bot when it joins. */
  botId?: string;
}

export interface MemberRecord {
  guildId: string;
  userId: string;
  roleIds: string[];
  joinedAt: string;
  nick: string | null;
}

export interface ChannelRecord {
  id: string;
  type: ChannelType;
  guildId: string | null;
  name: string;
  position: number;
  parentId: string | null;
  topic: string | null;
  overwrites: Overwrite[];
  lastMessageId: string | null;
  /** Threads only. */
  ownerId?: string;
  messageCount?: number;
  createdAt: string;
  deleted: boolean;
}

export interface GuildRecord {
  id: string;
  name: string;
  ownerId: string;
  removed: boolean;
}

/** One earlier state of an edited message, oldest first. */
export interface MessageEdit {
  at: string;
  content: string;
  embeds: APIEmbed[];
  allowedMentions: APIAllowedMentions | null;
}

export interface ReactionRecord {
  emoji: { id: string | null; name: string; animated?: boolean };
  userIds: string[];
}

export interface MessageRecord {
  id: string;
  channelId: string;
  guildId: string | null;
  authorId: string;
  type: number;
  content: string;
  embeds: APIEmbed[];
  allowedMentions: APIAllowedMentions | null;
  flags: number;
  nonce: string | number | null;
  messageReference: APIMessageReference | null;
  attachments: Array<{ id: string; filename: string; size: number; content_type?: string }>;
  components: unknown[];
  timestamp: string;
  editedTimestamp: string | null;
  /** Every state before the current one; empty if never edited. */
  edits: MessageEdit[];
  /** Keyed by the emoji's id (custom) or its name (unicode). */
  reactions: Record<string, ReactionRecord>;
  /** Interaction replies that only the invoking user sees; never in GET messages. */
  ephemeral: boolean;
  webhookId: string | null;
  applicationId: string | null;
  interaction: { id: string; type: number; name: string; userId: string; commandType?: number } | null;
  /** The thread started from this message, if any. */
  threadId: string | null;
  deleted: boolean;
}

export interface EmojiRecord {
  id: string;
  name: string;
  guildId: string;
  animated: boolean;
}

export class World {
  readonly ids: SnowflakeGenerator;
  readonly users = new Map<string, UserRecord>();
  readonly guilds = new Map<string, GuildRecord>();
  readonly roles = new Map<string, RoleRecord>();
  readonly members = new Map<string, MemberRecord>();
  readonly channels = new Map<string, ChannelRecord>();
  readonly emojis = new Map<string, EmojiRecord>();
  /** Per channel, oldest first: Discord's ids sort by time, which pagination relies on. */
  readonly messages = new Map<string, MessageRecord[]>();
  readonly messagesById = new Map<string, MessageRecord>();
  readonly botUser: UserRecord;

  constructor(options: { botName: string; ids?: SnowflakeGenerator }) {
    this.ids = options.ids ?? new SnowflakeGenerator();
    this.botUser = {
      id: this.ids.next(Date.now() - 86_400_000),
      username: options.botName,
      globalName: null,
      bot: true,
    };
    this.users.set(this.botUser.id, this.botUser);
  }

  addUser(input: { id?: string; username: string; globalName?: string | null; bot?: boolean }): UserRecord {
    const user: UserRecord = {
      id: input.id ?? this.ids.next(),
      username: input.username,
      globalName: input.globalName ?? null,
      bot: input.bot ?? false,
    };
    this.users.set(user.id, user);
    return user;
  }

  /**
   * A guild the bot is in: its @everyone role (id = guild id, Discord's convention), the managed
   * role Discord gives the bot, the bot's membership, and an owner who is not the bot (so the
   * bot's permissions come from roles, as in production).
   */
  addGuild(input: {
    id?: string;
    name: string;
    everyonePermissions?: bigint;
    botPermissions?: bigint;
    ownerId?: string;
  }): GuildRecord {
    const id = input.id ?? this.ids.next();
    const owner = input.ownerId ? this.users.get(input.ownerId) : this.addUser({ username: `${input.name}-owner` });
    const guild: GuildRecord = { id, name: input.name, ownerId: owner?.id ?? input.ownerId!, removed: false };
    this.guilds.set(id, guild);
    this.roles.set(id, {
      id,
      guildId: id,
      name: "@everyone",
      permissions: input.everyonePermissions ?? DEFAULT_EVERYONE_PERMISSIONS,
      position: 0,
      color: 0,
    });
    const botRole = this.addRole(id, {
      name: this.botUser.username,
      permissions: input.botPermissions ?? DEFAULT_EVERYONE_PERMISSIONS,
    });
    botRole.botId = this.botUser.id;
    this.addMember(id, this.botUser.id, [botRole.id]);
    if (owner) this.addMember(id, owner.id, []);
    return guild;
  }

  addRole(guildId: string, input: { id?: string; name: string; permissions?: bigint; color?: number }): RoleRecord {
    const position = [...this.roles.values()].filter((r) => r.guildId === guildId).length;
    const role: RoleRecord = {
      id: input.id ?? this.ids.next(),
      guildId,
      name: input.name,
      permissions: input.permissions ?? 0n,
      position,
      color: input.color ?? 0,
    };
    this.roles.set(role.id, role);
    return role;
  }

  addMember(guildId: string, userId: string, roleIds: string[] = []): MemberRecord {
    const member: MemberRecord = { guildId, userId, roleIds, joinedAt: new Date().toISOString(), nick: null };
    this.members.set(memberKey(guildId, userId), member);
    return member;
  }

  addChannel(
    guildId: string | null,
    input: {
      id?: string;
      name: string;
      type?: ChannelType;
      parentId?: string | null;
      topic?: string | null;
      overwrites?: Overwrite[];
      ownerId?: string;
    },
  ): ChannelRecord {
    const id = input.id ?? this.ids.next();
    const siblings = [...this.channels.values()].filter((c) => c.guildId === guildId);
    const channel: ChannelRecord = {
      id,
      type: input.type ?? ChannelType.GuildText,
      guildId,
      name: input.name,
      position: siblings.length,
      parentId: input.parentId ?? null,
      topic: input.topic ?? null,
      overwrites: input.overwrites ?? [],
      lastMessageId: null,
      createdAt: new Date(snowflakeTime(id)).toISOString(),
      deleted: false,
    };
    if (input.ownerId) channel.ownerId = input.ownerId;
    if (isThread(channel)) channel.messageCount = 0;
    this.channels.set(id, channel);
    this.messages.set(id, []);
    return channel;
  }

  /** Sets (or clears, with 0n/0n) one member or role overwrite on a channel. */
  setOverwrite(channelId: string, overwrite: Overwrite): void {
    const channel = this.channels.get(channelId);
    if (!channel) throw new Error(`No channel ${channelId}`);
    channel.overwrites = channel.overwrites.filter((o) => o.id !== overwrite.id);
    if (overwrite.allow !== 0n || overwrite.deny !== 0n) channel.overwrites.push(overwrite);
  }

  member(guildId: string, userId: string): MemberRecord | undefined {
    return this.members.get(memberKey(guildId, userId));
  }

  guildMembers(guildId: string): MemberRecord[] {
    return [...this.members.values()].filter((m) => m.guildId === guildId);
  }

  guildChannels(guildId: string): ChannelRecord[] {
    return [...this.channels.values()].filter((c) => c.guildId === guildId && !c.deleted);
  }

  guildRoles(guildId: string): RoleRecord[] {
    return [...this.roles.values()].filter((r) => r.guildId === guildId);
  }

  /** A live channel (not deleted, its guild still joined), or undefined. */
  liveChannel(id: string): ChannelRecord | undefined {
    const channel = this.channels.get(id);
    if (!channel || channel.deleted) return undefined;
    if (channel.guildId && this.guilds.get(channel.guildId)?.removed !== false) return undefined;
    return channel;
  }

  liveGuild(id: string): GuildRecord | undefined {
    const guild = this.guilds.get(id);
    return guild && !guild.removed ? guild : undefined;
  }

  /** A user's permissions in a channel (threads use their parent's overwrites). */
  permissionsIn(userId: string, channelId: string): bigint {
    const channel = this.channels.get(channelId);
    if (!channel?.guildId) return 0n;
    const source = isThread(channel) && channel.parentId ? this.channels.get(channel.parentId) : channel;
    return this.#compute(userId, channel.guildId, source?.overwrites ?? [], isThread(channel));
  }

  guildPermissions(userId: string, guildId: string): bigint {
    return this.#compute(userId, guildId, undefined, false);
  }

  #compute(userId: string, guildId: string, overwrites: Overwrite[] | undefined, thread: boolean): bigint {
    const guild = this.guilds.get(guildId);
    const member = this.member(guildId, userId);
    if (!guild || !member) return 0n;
    const rolePermissions = new Map(this.guildRoles(guildId).map((r) => [r.id, r.permissions]));
    return computePermissions(
      { userId, roleIds: member.roleIds },
      { guildId, ownerId: guild.ownerId, rolePermissions, ...(overwrites ? { overwrites } : {}), thread },
    );
  }

  addMessage(message: MessageRecord): void {
    this.messages.get(message.channelId)?.push(message);
    this.messagesById.set(message.id, message);
    const channel = this.channels.get(message.channelId);
    if (channel && !message.ephemeral) {
      channel.lastMessageId = message.id;
      if (channel.messageCount !== undefined) channel.messageCount++;
    }
  }

  /** A message that still exists in this channel. */
  message(channelId: string, messageId: string): MessageRecord | undefined {
    const message = this.messagesById.get(messageId);
    return message && message.channelId === channelId && !message.deleted ? message : undefined;
  }
}

function memberKey(guildId: string, userId: string): string {
  return `${guildId}:${userId}`;
}

export function isThread(channel: ChannelRecord): boolean {
  return (
    channel.type === ChannelType.PublicThread ||
    channel.type === ChannelType.PrivateThread ||
    channel.type === ChannelType.AnnouncementThread
  );
}
