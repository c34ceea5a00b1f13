import {
  type GuildBasedChannel,
  PermissionFlagsBits,
  type PermissionResolvable,
  PermissionsBitField,
} from "discord.js";

/** What the bot needs in a channel to post story embeds (and find its earlier posts after a crash). */
export const POSTING_PERMISSIONS = {
  "View Channel": PermissionFlagsBits.ViewChannel,
  "Send Messages": PermissionFlagsBits.SendMessages,
  "Embed Links": PermissionFlagsBits.EmbedLinks,
  "Read Message History": PermissionFlagsBits.ReadMessageHistory,
} as const;

/** Nice to have: the related-coverage answer goes into a thread when these are granted, else a reply. */
export const THREAD_PERMISSIONS = {
  "Create Public Threads": PermissionFlagsBits.CreatePublicThreads,
  "Send Messages in Threads": PermissionFlagsBits.SendMessagesInThreads,
} as const;

/** Every permission the invite link asks for. */
export const INVITE_PERMISSIONS: PermissionResolvable = [
  ...Object.values(POSTING_PERMISSIONS),
  ...Object.values(THREAD_PERMISSIONS),
];

/** Names of the permissions in `wanted` that the bot lacks in the channel ("unknown" when it cannot tell). */
export function missingPermissions(channel: GuildBasedChannel, wanted: Record<string, bigint>): string[] | "unknown" {
  const me = channel.guild.members.me;
  if (!me) return "unknown";
  const have = channel.permissionsFor(me);
  if (!have) return "unknown";
  return Object.entries(wanted)
    .filter(([, bit]) => !have.has(bit, true))
    .map(([name]) => name);
}

/** "Embed Links" for a permission bitfield missing it; used in logs and /subscriptions. */
export function describeMissing(names: readonly string[]): string {
  return names.length === 1 ? `missing permission: ${names[0]}` : `missing permissions: ${names.join(", ")}`;
}

export function invitePermissionsValue(): string {
  return new PermissionsBitField(INVITE_PERMISSIONS).bitfield.toString();
}
