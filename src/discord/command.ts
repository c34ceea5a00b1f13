import {
  type AutocompleteInteraction,
  type ChatInputCommandInteraction,
  type ContextMenuCommandBuilder,
  type InteractionEditReplyOptions,
  type InteractionReplyOptions,
  type MessageContextMenuCommandInteraction,
  MessageFlags,
  type RESTPostAPIApplicationCommandsJSONBody,
} from "discord.js";
import type { BotServices } from "./services.js";
import { NO_MENTIONS } from "./sink.js";

interface CommandData {
  name: string;
  toJSON(): RESTPostAPIApplicationCommandsJSONBody;
}

/** A slash command module: the discord.js guide's `data` + `execute`, plus optional autocomplete. */
export interface SlashCommand {
  data: CommandData;
  execute(interaction: ChatInputCommandInteraction, services: BotServices): Promise<void>;
  autocomplete?(interaction: AutocompleteInteraction, services: BotServices): Promise<void>;
}

/** A message context-menu command module. */
export interface MessageMenuCommand {
  data: ContextMenuCommandBuilder;
  execute(interaction: MessageContextMenuCommandInteraction, services: BotServices): Promise<void>;
}

export type BotCommand = SlashCommand | MessageMenuCommand;

type Reply = Omit<InteractionReplyOptions, "flags" | "allowedMentions"> & { content?: string };

/** How long an answer may take before we defer: Discord drops interactions not answered within 3 s. */
export const DEFER_AFTER_MS = 2_000;

/**
 * Answers an interaction with what `produce` returns. If producing takes longer than DEFER_AFTER_MS the
 * interaction is deferred first, so slow stores never make Discord show "The application did not respond".
 * Replies never mention anyone.
 */
export async function answer(
  interaction: ChatInputCommandInteraction | MessageContextMenuCommandInteraction,
  produce: () => Promise<Reply>,
  options: { ephemeral?: boolean } = {},
): Promise<void> {
  const flags = options.ephemeral ? MessageFlags.Ephemeral : undefined;
  let deferred: Promise<unknown> | null = null;
  const timer = setTimeout(() => {
    deferred = interaction.deferReply(flags ? { flags } : {});
  }, DEFER_AFTER_MS);
  let reply: Reply;
  try {
    reply = await produce();
  } catch (err) {
    // Let a deferral in flight land, so the caller's error message can edit it.
    await (deferred as Promise<unknown> | null)?.catch(() => undefined);
    throw err;
  } finally {
    clearTimeout(timer);
  }
  if (deferred) {
    await deferred;
    await interaction.editReply({ ...(reply as InteractionEditReplyOptions), allowedMentions: NO_MENTIONS });
    return;
  }
  await interaction.reply({ ...reply, allowedMentions: NO_MENTIONS, ...(flags ? { flags } : {}) });
}

/** A short ephemeral error for the user; details go to the log. */
export async function answerError(
  interaction: ChatInputCommandInteraction | MessageContextMenuCommandInteraction,
  message: string,
): Promise<void> {
  const body = { content: message, allowedMentions: NO_MENTIONS };
  if (interaction.deferred || interaction.replied) await interaction.editReply(body);
  else await interaction.reply({ ...body, flags: MessageFlags.Ephemeral });
}
