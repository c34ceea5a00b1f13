import {
  type ChannelRecord,
  isThread,
  type MemberRecord,
  type MessageRecord,
  type RoleRecord,
  type UserRecord,
  type World,
} from "./world.js";

/*
 * Records → the JSON Discord sends. Field sets follow Discord's documented objects closely enough
 * that discord.js builds complete structures (it reads many optional fields without checks).
 */

type Json = Record<string, unknown>;

export function userJson(user: UserRecord): Json {
  return {
    id: user.id,
    username: user.username,
    discriminator: "0",
    global_name: user.globalName,
    avatar: null,
    bot: user.bot || undefined,
    public_flags: 0,
    banner: null,
    accent_color: null,
    avatar_decoration_data: null,
  };
}

export function currentUserJson(user: UserRecord): Json {
  return { ...userJson(user), flags: 0, mfa_enabled: false, verified: true, locale: "en-US", premium_type: 0 };
}

export function roleJson(role: RoleRecord): Json {
  return {
    id: role.id,
    name: role.name,
    color: role.color,
    colors: { primary_color: role.color, secondary_color: null, tertiary_color: null },
    hoist: false,
    icon: null,
    unicode_emoji: null,
    position: role.position,
    permissions: role.permissions.toString(),
    managed: role.botId !== undefined,
    mentionable: false,
    flags: 0,
    ...(role.botId ? { tags: { bot_id: role.botId } } : {}),
  };
}

export function memberJson(world: World, member: MemberRecord, options: { user?: boolean } = {}): Json {
  const user = world.users.get(member.userId);
  return {
    ...(options.user !== false && user ? { user: userJson(user) } : {}),
    nick: member.nick,
    avatar: null,
    banner: null,
    roles: member.roleIds,
    joined_at: member.joinedAt,
    premium_since: null,
    deaf: false,
    mute: false,
    flags: 0,
    pending: false,
    communication_disabled_until: null,
  };
}

export function channelJson(channel: ChannelRecord, options: { guildId?: boolean } = {}): Json {
  const base: Json = {
    id: channel.id,
    type: channel.type,
    ...(options.guildId !== false && channel.guildId ? { guild_id: channel.guildId } : {}),
    name: channel.name,
    last_message_id: channel.lastMessageId,
    rate_limit_per_user: 0,
    flags: 0,
  };
  if (isThread(channel)) {
    return {
      ...base,
      parent_id: channel.parentId,
      owner_id: channel.ownerId,
      message_count: channel.messageCount ?? 0,
      total_message_sent: channel.messageCount ?? 0,
      member_count: 1,
      thread_metadata: {
        archived: false,
        auto_archive_duration: 1440,
        archive_timestamp: channel.createdAt,
        locked: false,
        create_timestamp: channel.createdAt,
      },
    };
  }
  return {
    ...base,
    position: channel.position,
    parent_id: channel.parentId,
    topic: channel.topic,
    nsfw: false,
    permission_overwrites: channel.overwrites.map((o) => ({
      id: o.id,
      type: o.type,
      allow: o.allow.toString(),
      deny: o.deny.toString(),
    })),
  };
}

export function guildJson(world: World, guildId: string): Json {
  const guild = world.guilds.get(guildId)!;
  return {
    id: guild.id,
    name: guild.name,
    icon: null,
    icon_hash: null,
    splash: null,
    discovery_splash: null,
    owner_id: guild.ownerId,
    afk_channel_id: null,
    afk_timeout: 300,
    widget_enabled: false,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    roles: world.guildRoles(guildId).map(roleJson),
    emojis: [...world.emojis.values()]
      .filter((e) => e.guildId === guildId)
      .map((e) => ({
        id: e.id,
        name: e.name,
        animated: e.animated,
        roles: [],
        require_colons: true,
        managed: false,
        available: true,
      })),
    features: [],
    mfa_level: 0,
    application_id: null,
    system_channel_id: null,
    system_channel_flags: 0,
    rules_channel_id: null,
    max_members: 500000,
    vanity_url_code: null,
    description: null,
    banner: null,
    premium_tier: 0,
    premium_subscription_count: 0,
    preferred_locale: "en-US",
    public_updates_channel_id: null,
    nsfw_level: 0,
    premium_progress_bar_enabled: false,
    safety_alerts_channel_id: null,
    stickers: [],
  };
}

/** The GUILD_CREATE payload: the REST guild plus what only the gateway carries. */
export function guildCreateJson(world: World, guildId: string): Json {
  const channels = world.guildChannels(guildId);
  const botMember = world.member(guildId, world.botUser.id);
  return {
    ...guildJson(world, guildId),
    joined_at: botMember?.joinedAt ?? new Date().toISOString(),
    large: false,
    unavailable: false,
    member_count: world.guildMembers(guildId).length,
    voice_states: [],
    members: botMember ? [memberJson(world, botMember)] : [],
    channels: channels.filter((c) => !isThread(c)).map((c) => channelJson(c, { guildId: false })),
    threads: channels.filter(isThread).map((c) => channelJson(c)),
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}

export function messageJson(world: World, message: MessageRecord, options: { gateway?: boolean } = {}): Json {
  const author = world.users.get(message.authorId)!;
  const reactions = Object.values(message.reactions)
    .filter((r) => r.userIds.length > 0)
    .map((r) => ({
      emoji: r.emoji,
      count: r.userIds.length,
      count_details: { burst: 0, normal: r.userIds.length },
      me: r.userIds.includes(world.botUser.id),
      me_burst: false,
      burst_colors: [],
    }));
  const referenced =
    message.messageReference?.message_id !== undefined
      ? world.messagesById.get(message.messageReference.message_id)
      : undefined;
  const json: Json = {
    id: message.id,
    type: message.type,
    channel_id: message.channelId,
    author: userJson(author),
    content: message.content,
    timestamp: message.timestamp,
    edited_timestamp: message.editedTimestamp,
    tts: false,
    mention_everyone: false,
    mentions: mentionedUsers(world, message).map(userJson),
    mention_roles: [],
    attachments: message.attachments,
    embeds: message.embeds,
    pinned: false,
    flags: message.flags,
    components: message.components,
    ...(reactions.length > 0 ? { reactions } : {}),
    ...(message.nonce !== null ? { nonce: message.nonce } : {}),
    ...(message.webhookId ? { webhook_id: message.webhookId } : {}),
    ...(message.applicationId ? { application_id: message.applicationId } : {}),
    ...(message.messageReference ? { message_reference: { type: 0, ...message.messageReference } } : {}),
    ...(message.type === 19
      ? { referenced_message: referenced && !referenced.deleted ? messageJson(world, referenced) : null }
      : {}),
    ...(message.interaction
      ? {
          interaction_metadata: {
            id: message.interaction.id,
            type: message.interaction.type,
            user: userJson(world.users.get(message.interaction.userId)!),
            authorizing_integration_owners: message.guildId
              ? { "0": message.guildId }
              : { "1": message.interaction.userId },
            ...(message.interaction.commandType
              ? { name: message.interaction.name, command_type: message.interaction.commandType }
              : {}),
          },
        }
      : {}),
  };
  if (message.threadId) {
    const thread = world.channels.get(message.threadId);
    if (thread && !thread.deleted) json.thread = channelJson(thread);
  }
  if (options.gateway && message.guildId) {
    json.guild_id = message.guildId;
    const member = world.member(message.guildId, message.authorId);
    if (member && !message.webhookId) json.member = memberJson(world, member, { user: false });
  }
  return json;
}

/** Users mentioned in the content whom allowed_mentions lets Discord notify. */
function mentionedUsers(world: World, message: MessageRecord): UserRecord[] {
  const ids = [...message.content.matchAll(/<@!?(\d{17,20})>/g)].map((m) => m[1]!);
  const allowed = message.allowedMentions;
  const permitted = (id: string) =>
    !allowed || allowed.parse?.includes("users" as never) || (allowed.users ?? []).includes(id);
  return [...new Set(ids)]
    .filter(permitted)
    .map((id) => world.users.get(id))
    .filter((u): u is UserRecord => u !== undefined);
}
