import { type AutocompleteInteraction, type ChatInputCommandInteraction, SlashCommandBuilder } from "discord.js";
import { answer } from "../src/discord/command.js";
import { storyListEmbeds } from "../src/discord/embeds.js";
import type { BotServices } from "../src/discord/services.js";
import { resolveTopic, topicChoices } from "../src/discord/topic-option.js";

export const data = new SlashCommandBuilder()
  .setName("news")
  .setDescription("The latest stories of a topic")
  .addStringOption((o) => o.setName("topic").setDescription("Topic").setRequired(true).setAutocomplete(true))
  .addIntegerOption((o) =>
    o.setName("count").setDescription("How many stories (1–10, default 5)").setMinValue(1).setMaxValue(10),
  );

export async function autocomplete(interaction: AutocompleteInteraction, services: BotServices): Promise<void> {
  await interaction.respond(topicChoices(services.config.topics, interaction.options.getFocused()));
}

export async function execute(interaction: ChatInputCommandInteraction, services: BotServices): Promise<void> {
  const topic = resolveTopic(services.config.topics, interaction.options.getString("topic", true));
  if (!topic.ok) {
    await answer(interaction, async () => ({ content: topic.message }), { ephemeral: true });
    return;
  }
  await answer(interaction, async () => {
    const count = Math.min(
      10,
      Math.max(1, interaction.options.getInteger("count") ?? services.config.settings.discord.newsDefaultCount),
    );
    const stories = await services.stories.latest(topic.topic.slug, count);
    if (stories.length === 0) {
      return {
        content: `No **${topic.topic.name}** stories in the last few days yet. New ones arrive as the feeds are polled; \`/subscribe topic:${topic.topic.slug}\` posts them here as they come.`,
      };
    }
    return {
      content: `Latest **${topic.topic.name}** stories:`,
      embeds: storyListEmbeds(stories, {
        topics: services.topics,
        relatedEmoji: services.config.settings.discord.relatedEmoji,
      }),
    };
  });
}
