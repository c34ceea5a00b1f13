import { type ChatInputCommandInteraction, PermissionFlagsBits, SlashCommandBuilder } from "discord.js";
import { answer } from "../src/discord/command.js";
import type { BotServices, FeedHealthRow } from "../src/discord/services.js";
import { plain, truncate } from "../src/discord/text.js";

export const data = new SlashCommandBuilder()
  .setName("feeds")
  .setDescription("Feed health, for operators: status, last success, last error, disabled feeds")
  .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
  .setContexts(0);

const ICON: Record<FeedHealthRow["status"], string> = { ok: "🟢", failing: "🟠", disabled: "🔴", new: "⚪" };

function ago(iso: string | undefined): string {
  if (!iso) return "never";
  const t = Math.floor(Date.parse(iso) / 1000);
  return Number.isFinite(t) ? `<t:${t}:R>` : "never";
}

export function feedLine(row: FeedHealthRow): string {
  const parts = [
    `${ICON[row.status]} **${plain(row.provider, 80)}** (\`${row.id}\`) · last success ${ago(row.lastSuccessAt)}`,
  ];
  if (row.status === "disabled") parts.push(`disabled: ${plain(row.disabledReason ?? "too many failures", 200)}`);
  else if (row.lastError && row.status !== "ok") {
    parts.push(`${row.consecutiveFailures}× ${row.lastError.kind}: ${plain(row.lastError.message, 150)}`);
  }
  return parts.join(" · ");
}

export async function execute(interaction: ChatInputCommandInteraction, services: BotServices): Promise<void> {
  await answer(
    interaction,
    async () => {
      if (!interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild)) {
        return { content: "You need the **Manage Server** permission to see feed health." };
      }
      const rows = await services.feedHealth();
      const order = { disabled: 0, failing: 1, new: 2, ok: 3 } as const;
      rows.sort((a, b) => order[a.status] - order[b.status] || a.id.localeCompare(b.id));
      const counts = rows.reduce<Record<string, number>>((acc, r) => {
        acc[r.status] = (acc[r.status] ?? 0) + 1;
        return acc;
      }, {});
      const summary = (["ok", "failing", "disabled", "new"] as const)
        .map((s) => `${ICON[s]} ${counts[s] ?? 0} ${s}`)
        .join(" · ");
      return {
        embeds: [
          {
            title: `Feeds (${rows.length})`,
            description: truncate([summary, "", ...rows.map(feedLine)].join("\n"), 4096),
          },
        ],
      };
    },
    { ephemeral: true },
  );
}
