import type { CliCommand } from "./command.js";

/** Every `newsdesk` subcommand, in the order `--help` lists them. */
export const commands: readonly CliCommand[] = [];
