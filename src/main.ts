#!/usr/bin/env node
/**
 * `npm start`: the bot, against Discord (or whatever DISCORD_API_URL points at). Configuration comes
 * from the environment and .env, validated before anything connects.
 */
import { config as loadDotenv } from "dotenv";
import { App } from "./app.js";
import { loadEnv } from "./config/env.js";
import { ConfigError, loadConfig } from "./config/load.js";
import { createLogger } from "./log.js";
import { type OpsServer, startOpsServer } from "./ops/http.js";
import { connectSharedRest, type SharedRest } from "./scale/shared-rest.js";
import { openStore } from "./store/keyv-store.js";
import { StoreError } from "./store/store.js";

const SHUTDOWN_GRACE_MS = 15_000;

const NO_TOKEN = `DISCORD_TOKEN is not set.
  1. Open https://discord.com/developers/applications, create an application, then Bot → Reset Token.
  2. Put the token in .env (copy .env.example) or the environment: DISCORD_TOKEN=...
  3. Invite the bot: see "Invite the bot" in README.md.
To see newsdesk work without a token, run: npm run demo`;

function fail(message: string, code = 2): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

async function main(): Promise<void> {
  loadDotenv({ quiet: true });
  let env: ReturnType<typeof loadEnv>;
  let config: ReturnType<typeof loadConfig>;
  try {
    env = loadEnv();
    config = loadConfig(env.CONFIG_DIR);
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message);
    throw err;
  }
  if (!env.DISCORD_TOKEN) fail(NO_TOKEN);

  const log = createLogger({ level: env.LOG_LEVEL, pretty: env.LOG_PRETTY });
  const store = await openStore(env.STORE_URL, { logger: log.child({ stage: "store" }) }).catch((err) =>
    fail((err as Error).message),
  );
  try {
    await store.ping();
  } catch (err) {
    await store.close().catch(() => undefined);
    fail(err instanceof StoreError ? err.message : `cannot open the store: ${(err as Error).message}`, 1);
  }

  // Discord's global rate limit is per token: shared through Redis by every process of the bot when there is one.
  let sharedRest: SharedRest;
  try {
    sharedRest = await connectSharedRest({
      apiUrl: env.DISCORD_API_URL,
      token: env.DISCORD_TOKEN,
      rateLimitRedisUrl: env.RATE_LIMIT_REDIS_URL,
      storeUrl: env.STORE_URL,
      perSecond: config.settings.discord.globalRateLimit,
      shards: { ids: env.SHARD_IDS, count: env.SHARD_COUNT },
      log,
    });
  } catch (err) {
    await store.close().catch(() => undefined);
    fail((err as Error).message, 1);
  }

  let app: App;
  try {
    app = await App.start({
      env,
      config,
      log,
      store,
      token: env.DISCORD_TOKEN,
      syncCommands: env.SYNC_COMMANDS ? { guildId: env.DISCORD_GUILD_ID } : undefined,
      clientOverrides: { rest: sharedRest.rest },
    });
  } catch (err) {
    await store.close().catch(() => undefined);
    await sharedRest.close().catch(() => undefined);
    const name = (err as Error).name ?? "";
    if (/TokenInvalid/i.test(String((err as { code?: string }).code ?? name))) {
      fail("Discord refused the token (DISCORD_TOKEN). Reset it in the developer portal and update .env.", 1);
    }
    fail(`could not start: ${(err as Error).message}`, 1);
  }
  log.info(
    {
      feeds: config.feeds.length,
      topics: config.topics.length,
      store: store.displayUrl,
      shards: env.SHARD_IDS ?? "all",
      globalRateLimit: `${config.settings.discord.globalRateLimit}/s per ${sharedRest.scope === "redis" ? "bot token (Redis)" : "process"}`,
    },
    "newsdesk running",
  );
  let ops: OpsServer | null = null;
  if (env.HTTP_PORT !== undefined) {
    const running = app;
    ops = await startOpsServer({ port: env.HTTP_PORT, metrics: running.metrics, health: running.health, log }).catch(
      (err) => {
        log.error({ err, port: env.HTTP_PORT }, "could not serve /healthz and /metrics; running without them");
        return null;
      },
    );
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) {
      log.warn({ signal }, "second signal: exiting now");
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, "shutting down: finishing deliveries in flight, the rest stay queued");
    const timer = setTimeout(() => {
      log.error("shutdown took too long; exiting (queued deliveries are kept in the store)");
      process.exit(1);
    }, SHUTDOWN_GRACE_MS);
    timer.unref();
    try {
      await ops?.close();
      await app.stop();
      await sharedRest.close();
      await store.close();
      log.info("stopped");
      process.exitCode = 0;
    } catch (err) {
      log.error({ err }, "error while stopping");
      process.exitCode = 1;
    }
    clearTimeout(timer);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
}

main().catch((err) => {
  process.stderr.write(`newsdesk: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
