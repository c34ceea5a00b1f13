import {
  ApplicationCommandType,
  ContextMenuCommandBuilder,
  type MessageContextMenuCommandInteraction,
} from "discord.js";
import { answer } from "../src/discord/command.js";
import type { BotServices } from "../src/discord/services.js";

export const data = new ContextMenuCommandBuilder().setName("Related coverage").setType(ApplicationCommandType.Message);

/** The same list the 🔗 reaction posts, shown only to the member who asked. */
export async function execute(interaction: MessageContextMenuCommandInteraction, services: BotServices): Promise<void> {
  await answer(
    interaction,
    async () => {
      const story = await services.related.storyOf(interaction.targetId);
      if (!story) {
        return { content: "That message is not a story post of mine (or its story is older than I keep)." };
      }
      return { embeds: [services.related.embedFor(story)] };
    },
    { ephemeral: true },
  );
}
