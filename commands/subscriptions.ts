import { type ChatInputCommandInteraction, SlashCommandBuilder } from "discord.js";
import { answer } from "../src/discord/command.js";
import type { BotServices } from "../src/discord/services.js";
import { plain, truncate } from "../src/discord/text.js";

export const data = new SlashCommandBuilder()
  .setName("subscriptions")
  .setDescription("This server's channels and the topics they receive")
  .setContexts(0);

export async function execute(interaction: ChatInputCommandInteraction, services: BotServices): Promise<void> {
  await answer(
    interaction,
    async () => {
      if (!interaction.guildId) return { content: "Run this in a server." };
      const subs = await services.subscriptions.forGuild(interaction.guildId);
      if (subs.length === 0) {
        return { content: "No channel here receives stories yet. Start with `/subscribe topic:ai` in a channel." };
      }
      const name = (slug: string) => services.topics(slug)?.name ?? slug;
      const lines = subs.map((s) => {
        const status =
          s.status === "paused"
            ? ` — ⏸️ paused: ${truncate(plain(s.pausedReason ?? "unknown reason", 300), 300)}. Fix it, then run /subscribe again.`
            : "";
        return `<#${s.channelId}>: ${s.topics.map(name).join(", ")}${status}`;
      });
      return { content: truncate(lines.join("\n"), 2000) };
    },
    { ephemeral: true },
  );
}
