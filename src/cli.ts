#!/usr/bin/env node
import { realpathSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { type CliCommand, type CliIo, parseCommandArgs, UsageError } from "./cli/command.js";
import { commands } from "./cli/commands.js";
import { ConfigError } from "./config/load.js";

function mainUsage(list: readonly CliCommand[]): string {
  const width = Math.max(...list.map((c) => c.name.length));
  return [
    "newsdesk: curated tech news for Discord, one post per story.",
    "",
    "Usage: newsdesk <command> [options]",
    "",
    "Commands:",
    ...list.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "Run `newsdesk <command> --help` for a command's options.",
  ].join("\n");
}

export async function runCli(argv: string[], io: CliIo, list: readonly CliCommand[] = commands): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.stdout.write(`${mainUsage(list)}\n`);
    return name === undefined ? 2 : 0;
  }
  const command = list.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(`newsdesk: unknown command "${name}"; run \`newsdesk --help\` for the list\n`);
    return 2;
  }
  try {
    const args = parseCommandArgs(command, rest);
    if (args.values.help) {
      io.stdout.write(`${command.usage.trimEnd()}\n`);
      return 0;
    }
    return await command.run(args, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`newsdesk ${err.message}\n`);
      return 2;
    }
    if (err instanceof ConfigError) {
      io.stderr.write(`${err.message}\n`);
      return 2;
    }
    io.stderr.write(`newsdesk ${name}: ${(err as Error).stack ?? String(err)}\n`);
    return 1;
  }
}

// Run only when executed (also through the npm bin symlink), not when imported by tests.
if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  const code = await runCli(process.argv.slice(2), {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
  });
  process.exitCode = code;
}
