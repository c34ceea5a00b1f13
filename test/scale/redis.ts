import { createClient } from "@keyv/redis";
import { openStore } from "../../src/store/keyv-store.js";
import { deleteRedisKeys, REDIS_URL, runId } from "../store/backends.js";

export { reportUnavailable } from "../store/backends.js";
export { REDIS_URL };

/** Why Redis cannot be used here, or undefined when it answers. */
export async function redisUnavailable(url = REDIS_URL): Promise<string | undefined> {
  const client = createClient({ url, socket: { reconnectStrategy: false, connectTimeout: 1_000 } });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.ping();
    return undefined;
  } catch (err) {
    return `Redis at ${url} is not reachable: ${(err as Error).message}`;
  } finally {
    if (client.isOpen) await client.close();
  }
}

/** A store on the test Redis under a prefix of its own; `cleanup` deletes every key under it. */
export function redisNamespace() {
  const prefix = `ndscale-${runId()}`;
  return {
    prefix,
    open: () => openStore(REDIS_URL, { prefix, connectTimeoutMs: 2_000 }),
    cleanup: () => deleteRedisKeys(`${prefix}*`),
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
