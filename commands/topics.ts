import { type ChatInputCommandInteraction, SlashCommandBuilder } from "discord.js";
import { answer } from "../src/discord/command.js";
import type { BotServices } from "../src/discord/services.js";
import { truncate } from "../src/discord/text.js";

export const data = new SlashCommandBuilder().setName("topics").setDescription("The topics you can follow");

export async function execute(interaction: ChatInputCommandInteraction, services: BotServices): Promise<void> {
  await answer(
    interaction,
    async () => ({
      embeds: [
        {
          title: "Topics",
          description: truncate(
            services.config.topics.map((t) => `**${t.name}** (\`${t.slug}\`): ${t.description}`).join("\n"),
            4096,
          ),
          footer: { text: "Follow one with /subscribe topic:<slug> · see the latest with /news topic:<slug>" },
        },
      ],
    }),
    { ephemeral: true },
  );
}
