import { createClient } from "@keyv/redis";
import { it } from "vitest";
import { openStore } from "../../src/store/keyv-store.js";
import { deleteRedisKeys, REDIS_URL, runId, servicesRequired } from "../store/backends.js";

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

/**
 * In a describe block whose Redis is down: one failing test when CI requires the services, one
 * skipped test carrying the reason otherwise.
 */
export function reportUnavailable(reason: string): void {
  if (servicesRequired) {
    it("has Redis running (NEWSDESK_REQUIRE_SERVICES=1)", () => {
      throw new Error(reason);
    });
  } else {
    it.skip(`skipped: ${reason}`, () => {});
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
