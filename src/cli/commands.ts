import type { CliCommand } from "./command.js";
import { feedsCommand } from "./feeds.js";
import { groupCommand } from "./group.js";
import { parseCommand } from "./parse.js";
import { pollCommand } from "./poll.js";

/** Every `newsdesk` subcommand, in the order `--help` lists them. */
export const commands: readonly CliCommand[] = [parseCommand, pollCommand, feedsCommand, groupCommand];
