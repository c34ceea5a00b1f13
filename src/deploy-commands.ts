#!/usr/bin/env node
/**
 * `npm run deploy-commands`: registers the slash commands with Discord, in one server when
 * DISCORD_GUILD_ID is set (instant; for development) or globally, and only when they changed.
 */
import { REST, Routes } from "discord.js";
import { config as loadDotenv } from "dotenv";
import { commandDefinitions } from "../commands/index.js";
import { loadEnv } from "./config/env.js";
import { ConfigError } from "./config/load.js";
import { deployCommands } from "./discord/deploy.js";

async function main(): Promise<number> {
  loadDotenv({ quiet: true });
  let env: ReturnType<typeof loadEnv>;
  try {
    env = loadEnv();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return 2;
    }
    throw err;
  }
  if (!env.DISCORD_TOKEN) {
    process.stderr.write("DISCORD_TOKEN is not set: put the bot's token in .env (see .env.example).\n");
    return 2;
  }
  const rest = new REST({ api: env.DISCORD_API_URL }).setToken(env.DISCORD_TOKEN);
  const app = (await rest.get(Routes.currentApplication())) as { id: string };
  const result = await deployCommands(rest, app.id, commandDefinitions(), env.DISCORD_GUILD_ID);
  const where =
    result.scope === "guild"
      ? `server ${env.DISCORD_GUILD_ID}`
      : "all servers (global; may take up to an hour to show)";
  process.stdout.write(
    result.changed
      ? `Registered ${result.count} commands in ${where}.\n`
      : `Commands already up to date in ${where}.\n`,
  );
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`deploy-commands: ${(err as Error).message}\n`);
    process.exitCode = 1;
  },
);
