import {
  type AutocompleteInteraction,
  ChannelType,
  type ChatInputCommandInteraction,
  PermissionFlagsBits,
  SlashCommandBuilder,
} from "discord.js";
import { answer } from "../src/discord/command.js";
import type { BotServices } from "../src/discord/services.js";
import { resolveTopic, topicChoices } from "../src/discord/topic-option.js";

export const data = new SlashCommandBuilder()
  .setName("unsubscribe")
  .setDescription("Stop posting a topic's stories in a channel")
  .setDefaultMemberPermissions(PermissionFlagsBits.ManageChannels)
  .setContexts(0)
  .addStringOption((o) => o.setName("topic").setDescription("Topic to stop").setRequired(true).setAutocomplete(true))
  .addChannelOption((o) =>
    o
      .setName("channel")
      .setDescription("Channel (default: this one)")
      .addChannelTypes(ChannelType.GuildText, ChannelType.GuildAnnouncement),
  );

export async function autocomplete(interaction: AutocompleteInteraction, services: BotServices): Promise<void> {
  const typed = interaction.options.getFocused();
  const sub = interaction.channelId ? await services.subscriptions.get(interaction.channelId) : undefined;
  // Offer this channel's topics first: those are the ones that can be undone here.
  const mine = services.config.topics.filter((t) => sub?.topics.includes(t.slug));
  const pool = mine.length ? mine : services.config.topics;
  await interaction.respond(topicChoices(pool, typed));
}

export async function execute(interaction: ChatInputCommandInteraction, services: BotServices): Promise<void> {
  await answer(
    interaction,
    async () => {
      if (!interaction.inGuild() || !interaction.memberPermissions?.has(PermissionFlagsBits.ManageChannels)) {
        return { content: "You need the **Manage Channels** permission to unsubscribe a channel." };
      }
      const topic = resolveTopic(services.config.topics, interaction.options.getString("topic", true));
      if (!topic.ok) return { content: topic.message };
      const channelId = interaction.options.getChannel("channel")?.id ?? interaction.channelId;
      const removed = await services.subscriptions.unsubscribe(channelId, topic.topic.slug);
      if (!removed) return { content: `<#${channelId}> was not subscribed to **${topic.topic.name}**.` };
      const left = await services.subscriptions.get(channelId);
      if (!left) await services.dropDeliveries(channelId);
      services.log.info({ guild: interaction.guildId, channel: channelId, topic: topic.topic.slug }, "unsubscribe");
      return {
        content: `<#${channelId}> no longer receives **${topic.topic.name}** stories.${left ? ` Still subscribed: ${left.topics.join(", ")}.` : ""}`,
      };
    },
    { ephemeral: true },
  );
}
