import {
  type AutocompleteInteraction,
  ChannelType,
  type ChatInputCommandInteraction,
  type GuildBasedChannel,
  PermissionFlagsBits,
  SlashCommandBuilder,
} from "discord.js";
import { answer } from "../src/discord/command.js";
import {
  describeMissing,
  missingPermissions,
  POSTING_PERMISSIONS,
  THREAD_PERMISSIONS,
} from "../src/discord/permissions.js";
import type { BotServices } from "../src/discord/services.js";
import { resolveTopic, topicChoices } from "../src/discord/topic-option.js";

export const data = new SlashCommandBuilder()
  .setName("subscribe")
  .setDescription("Post a topic's stories in a channel: one post per story, updated as coverage grows")
  .setDefaultMemberPermissions(PermissionFlagsBits.ManageChannels)
  .setContexts(0)
  .addStringOption((o) => o.setName("topic").setDescription("Topic to follow").setRequired(true).setAutocomplete(true))
  .addChannelOption((o) =>
    o
      .setName("channel")
      .setDescription("Channel to post in (default: this one)")
      .addChannelTypes(ChannelType.GuildText, ChannelType.GuildAnnouncement),
  );

export async function autocomplete(interaction: AutocompleteInteraction, services: BotServices): Promise<void> {
  await interaction.respond(topicChoices(services.config.topics, interaction.options.getFocused()));
}

/** The channel option, or the channel the command was run in. */
export function targetChannel(interaction: ChatInputCommandInteraction): GuildBasedChannel | null {
  const picked = interaction.options.getChannel("channel");
  const id = picked?.id ?? interaction.channelId;
  return interaction.guild?.channels.cache.get(id) ?? null;
}

export async function execute(interaction: ChatInputCommandInteraction, services: BotServices): Promise<void> {
  await answer(
    interaction,
    async () => {
      // default_member_permissions can be overridden by server admins; check again here.
      if (!interaction.inGuild() || !interaction.memberPermissions?.has(PermissionFlagsBits.ManageChannels)) {
        return { content: "You need the **Manage Channels** permission to subscribe a channel." };
      }
      const topic = resolveTopic(services.config.topics, interaction.options.getString("topic", true));
      if (!topic.ok) return { content: topic.message };
      const channel = targetChannel(interaction);
      if (!channel || (channel.type !== ChannelType.GuildText && channel.type !== ChannelType.GuildAnnouncement)) {
        return { content: "Pick a text or announcement channel of this server." };
      }
      const missing = missingPermissions(channel, POSTING_PERMISSIONS);
      if (missing !== "unknown" && missing.length > 0) {
        return {
          content: `I can't post stories in <#${channel.id}>: ${describeMissing(missing)}. Grant it to my role in the channel's settings, then run /subscribe again.`,
        };
      }
      const { changed } = await services.subscriptions.subscribe(channel.guildId, channel.id, topic.topic.slug);
      const lines = [
        changed
          ? `<#${channel.id}> now receives **${topic.topic.name}** stories: one post per story, edited as more outlets cover it.`
          : `<#${channel.id}> already receives **${topic.topic.name}** stories.`,
        `React 🔗 on a post to see its related coverage. Undo with \`/unsubscribe topic:${topic.topic.slug}\`${channel.id === interaction.channelId ? "" : ` channel:#${channel.name}`}.`,
      ];
      const threads = missingPermissions(channel, THREAD_PERMISSIONS);
      if (threads !== "unknown" && threads.length > 0) {
        lines.push(`Related coverage will be posted as replies (${describeMissing(threads)} for threads).`);
      }
      services.log.info({ guild: channel.guildId, channel: channel.id, topic: topic.topic.slug, changed }, "subscribe");
      return { content: lines.join("\n") };
    },
    { ephemeral: true },
  );
}
