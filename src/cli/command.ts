import { type ParseArgsConfig, parseArgs } from "node:util";

/** Where a CLI command writes; tests pass their own streams. */
export interface CliIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
}

export interface CliCommand {
  name: string;
  summary: string;
  /** Full help text, printed by `newsdesk NAME --help`. */
  usage: string;
  options: NonNullable<ParseArgsConfig["options"]>;
  /** Whether positional arguments are accepted. */
  positionals: boolean;
  /** Returns the process exit code: 0 ok, 1 some work failed, 2 usage error. */
  run(args: { values: Record<string, unknown>; positionals: string[] }, io: CliIo): Promise<number>;
}

/** A usage mistake: printed as one line, exit code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

export function parseCommandArgs(command: CliCommand, argv: string[]) {
  try {
    const parsed = parseArgs({
      args: argv,
      options: { ...command.options, help: { type: "boolean", short: "h" } },
      allowPositionals: command.positionals,
      strict: true,
    });
    return { values: parsed.values as Record<string, unknown>, positionals: parsed.positionals };
  } catch (err) {
    // node:util's messages are long and mention "parseArgs"; keep the part a user needs.
    const message = (err as Error).message.replace(/\. To specify a positional argument.*$/s, "");
    throw new UsageError(`${command.name}: ${message}`);
  }
}
