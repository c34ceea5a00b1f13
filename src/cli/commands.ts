import type { CliCommand } from "./command.js";
import { groupCommand } from "./group.js";

/** Every `newsdesk` subcommand, in the order `--help` lists them. */
export const commands: readonly CliCommand[] = [groupCommand];
