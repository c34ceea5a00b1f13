import { OverwriteType, PermissionFlagsBits } from "discord-api-types/v10";

/** A permission overwrite on a channel, as Discord stores it. */
export interface Overwrite {
  id: string;
  type: OverwriteType;
  allow: bigint;
  deny: bigint;
}

export const ALL_PERMISSIONS = Object.values(PermissionFlagsBits).reduce((all, bit) => all | bit, 0n);

/** What a fresh guild's @everyone role gets (Discord's defaults for the permissions the bot cares about). */
export const DEFAULT_EVERYONE_PERMISSIONS =
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.SendMessagesInThreads |
  PermissionFlagsBits.CreatePublicThreads |
  PermissionFlagsBits.EmbedLinks |
  PermissionFlagsBits.AttachFiles |
  PermissionFlagsBits.AddReactions |
  PermissionFlagsBits.ReadMessageHistory |
  PermissionFlagsBits.UseApplicationCommands |
  PermissionFlagsBits.UseExternalEmojis |
  PermissionFlagsBits.MentionEveryone;

export interface PermissionSubject {
  userId: string;
  /** Role ids the member has, not counting @everyone. */
  roleIds: readonly string[];
}

export interface PermissionContext {
  guildId: string;
  ownerId: string;
  /** Role id → permissions; the @everyone role's id is the guild id. */
  rolePermissions: ReadonlyMap<string, bigint>;
  /** The channel's overwrites (a thread uses its parent's). Undefined for guild-level permissions. */
  overwrites?: readonly Overwrite[];
  /** In a thread, Send Messages in Threads plays the part Send Messages plays in a channel. */
  thread?: boolean;
}

/**
 * Discord's documented algorithm: base permissions from @everyone and the member's roles, then
 * the channel's @everyone overwrite, the role overwrites together, and finally the member's own
 * overwrite. Owners and administrators get everything.
 */
export function computePermissions(subject: PermissionSubject, ctx: PermissionContext): bigint {
  if (subject.userId === ctx.ownerId) return ALL_PERMISSIONS;
  let base = ctx.rolePermissions.get(ctx.guildId) ?? 0n;
  for (const roleId of subject.roleIds) base |= ctx.rolePermissions.get(roleId) ?? 0n;
  if (base & PermissionFlagsBits.Administrator) return ALL_PERMISSIONS;
  if (!ctx.overwrites) return base;

  let perms = base;
  const everyone = ctx.overwrites.find((o) => o.id === ctx.guildId);
  if (everyone) perms = (perms & ~everyone.deny) | everyone.allow;
  let allow = 0n;
  let deny = 0n;
  for (const o of ctx.overwrites) {
    if (o.type === OverwriteType.Role && subject.roleIds.includes(o.id)) {
      allow |= o.allow;
      deny |= o.deny;
    }
  }
  perms = (perms & ~deny) | allow;
  const member = ctx.overwrites.find((o) => o.type === OverwriteType.Member && o.id === subject.userId);
  if (member) perms = (perms & ~member.deny) | member.allow;

  // Implicit denials: no View Channel means nothing; no Send Messages takes the send-related ones.
  if (!(perms & PermissionFlagsBits.ViewChannel)) return 0n;
  const send = ctx.thread ? PermissionFlagsBits.SendMessagesInThreads : PermissionFlagsBits.SendMessages;
  if (!(perms & send)) {
    perms &= ~(
      PermissionFlagsBits.MentionEveryone |
      PermissionFlagsBits.SendTTSMessages |
      PermissionFlagsBits.AttachFiles |
      PermissionFlagsBits.EmbedLinks
    );
  }
  return perms;
}

export function has(perms: bigint, bit: bigint): boolean {
  return (perms & bit) === bit;
}
