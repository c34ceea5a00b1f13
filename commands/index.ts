import type { BotCommand, MessageMenuCommand, SlashCommand } from "../src/discord/command.js";
import * as feeds from "./feeds.js";
import * as news from "./news.js";
import * as related from "./related.js";
import * as subscribe from "./subscribe.js";
import * as subscriptions from "./subscriptions.js";
import * as topics from "./topics.js";
import * as unsubscribe from "./unsubscribe.js";

/** Every command the bot registers, in one typed list. */
export const slashCommands: readonly SlashCommand[] = [subscribe, unsubscribe, subscriptions, news, topics, feeds];
export const messageMenuCommands: readonly MessageMenuCommand[] = [related];
export const commands: readonly BotCommand[] = [...slashCommands, ...messageMenuCommands];

/** The JSON Discord stores for the commands (what `deploy-commands` sends). */
export function commandDefinitions() {
  return commands.map((c) => c.data.toJSON());
}
