import type { CliIo } from "../cli/command.js";
import { UsageError } from "../cli/command.js";
import { type Env, loadEnv } from "../config/env.js";
import { loadConfig } from "../config/load.js";
import type { Config } from "../config/schema.js";
import { createLogger, type Logger } from "../log.js";
import { openStore } from "../store/keyv-store.js";
import { type Store, StoreError } from "../store/store.js";

/** What the feed commands share: validated env and config, a logger on stderr, the store. */
export interface FeedRuntime {
  env: Env;
  config: Config;
  logger: Logger;
  store: Store;
}

/**
 * Loads env and config (`--config` over CONFIG_DIR) and opens the store (`--store` over STORE_URL).
 * Config mistakes throw ConfigError and a bad store URL a UsageError: both exit 2 with one message.
 */
export async function openFeedRuntime(
  command: string,
  values: Record<string, unknown>,
  io: CliIo,
): Promise<FeedRuntime> {
  const env = loadEnv(io.env);
  const config = loadConfig(typeof values.config === "string" ? values.config : env.CONFIG_DIR);
  const logger = createLogger({ level: env.LOG_LEVEL, pretty: env.LOG_PRETTY, destination: io.stderr });
  const url = typeof values.store === "string" ? values.store : env.STORE_URL;
  let store: Store;
  try {
    store = await openStore(url);
    await store.ping();
  } catch (err) {
    if (err instanceof StoreError) throw new UsageError(`${command}: ${err.message}`);
    throw err;
  }
  return { env, config, logger, store };
}

/** Writes and waits for the stream to drain when it asks to, so large outputs do not pile up in memory. */
export async function writeOut(stream: NodeJS.WritableStream, text: string): Promise<void> {
  if (text === "") return;
  if (!stream.write(text)) await new Promise<void>((resolve) => stream.once("drain", () => resolve()));
}
