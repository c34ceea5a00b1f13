import { DefaultRestOptions, REST, Routes } from "discord.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type DiscordEmulator, startDiscordEmulator } from "../../src/dev/discord-emulator/index.js";
import { gcraReserve, LocalGcra } from "../../src/scale/gcra.js";
import { GlobalRateLimiter } from "../../src/scale/global-rate-limit.js";
import { REDIS_URL, redisNamespace, redisUnavailable, reportUnavailable } from "./redis.js";

const unavailable = await redisUnavailable();

/** The most requests the emulator received in any 1,000 ms interval, whatever its alignment. */
function rollingPeak(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let peak = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while ((sorted[end] as number) - (sorted[start] as number) >= 1_000) start++;
    peak = Math.max(peak, end - start + 1);
  }
  return peak;
}

describe("gcraReserve", () => {
  /** Send times of requests arriving every `everyMs` for `forMs`, each sent when its reserved slot comes. */
  function sendTimes(gcra: LocalGcra, everyMs: number, forMs: number): number[] {
    const sends: number[] = [];
    for (let now = 0; now < forMs; now += everyMs) {
      const d = gcra.reserve(now);
      if (d.reserved) sends.push(now + d.waitMs);
    }
    return sends;
  }

  it("spaces requests evenly: never more than the rate in any window, however aligned", () => {
    // 10 per second (100 ms apart), 300 requests arriving within 3 s.
    const sends = sendTimes(new LocalGcra({ intervalMs: 100 }), 10, 3_000);
    expect(sends.slice(0, 4)).toEqual([0, 100, 200, 300]);
    expect(rollingPeak(sends)).toBe(10);
  });

  it("reserves a slot with its wait, lets a burst through back to back when asked", () => {
    expect(gcraReserve(undefined, 1_000, { intervalMs: 100 })).toEqual({ reserved: true, waitMs: 0, tat: 1_100 });
    expect(gcraReserve(1_100, 1_030, { intervalMs: 100 })).toEqual({ reserved: true, waitMs: 70, tat: 1_200 });
    const burst = new LocalGcra({ intervalMs: 100, burst: 3 });
    expect([0, 0, 0, 0].map(() => burst.reserve(0).waitMs)).toEqual([0, 0, 0, 100]);
  });

  it("does not reserve slots too far ahead: the caller asks again later", () => {
    const gcra = new LocalGcra({ intervalMs: 100, maxAheadMs: 250 });
    expect([0, 1, 2, 3].map(() => gcra.reserve(0))).toEqual([
      { reserved: true, waitMs: 0, tat: 100 },
      { reserved: true, waitMs: 100, tat: 200 },
      { reserved: true, waitMs: 200, tat: 300 },
      { reserved: false, waitMs: 50, tat: 300 },
    ]);
  });

  it("forgets idle time: a quiet spell does not save up a burst", () => {
    const gcra = new LocalGcra({ intervalMs: 100 });
    expect(gcra.reserve(0).waitMs).toBe(0);
    expect(gcra.reserve(10_000).waitMs).toBe(0);
    expect(gcra.reserve(10_001).waitMs).toBe(99);
  });
});

describe("GlobalRateLimiter over Redis against the emulator", () => {
  if (unavailable) {
    reportUnavailable(unavailable);
    return;
  }
  const ns = redisNamespace();
  let discord: DiscordEmulator;
  let channels: string[];
  const limiters: GlobalRateLimiter[] = [];

  beforeAll(async () => {
    discord = await startDiscordEmulator();
    const guild = discord.createGuild({ name: "Budget" });
    channels = Array.from({ length: 40 }, (_, i) => discord.createChannel(guild.id, { name: `c${i}` }).id);
  });
  afterEach(async () => {
    for (const l of limiters.splice(0)) await l.close();
  });
  afterAll(async () => {
    await discord?.close();
    await ns.cleanup();
  });

  const connect = (perSecond: number, prefix = ns.prefix) =>
    GlobalRateLimiter.connect({ redisUrl: REDIS_URL, token: discord.token, perSecond, prefix }).then((l) => {
      limiters.push(l);
      return l;
    });

  /** A REST client as the bot builds it (discord.js's own 50/s per client), optionally through a limiter. */
  const restClient = (limiter?: GlobalRateLimiter) =>
    new REST({
      api: discord.apiUrl,
      retries: 5,
      makeRequest: limiter ? limiter.wrap(DefaultRestOptions.makeRequest) : DefaultRestOptions.makeRequest,
    }).setToken(discord.token);

  /** Two "processes" each reading `perClient` channels as fast as discord.js lets them. */
  async function burst(clients: REST[], perClient: number): Promise<number[]> {
    const firstIndex = discord.requests.length;
    await Promise.all(
      clients.flatMap((rest) =>
        Array.from({ length: perClient }, (_, i) => rest.get(Routes.channel(channels[i % channels.length] as string))),
      ),
    );
    return discord.requests.slice(firstIndex).map((r) => r.at);
  }

  it("two clients through the shared limiter stay under 50 requests in any second, with no global 429", async () => {
    const before = discord.stats().rateLimited.global;
    const [a, b] = [await connect(45), await connect(45)];
    const times = await burst([restClient(a), restClient(b)], 100);
    expect(times).toHaveLength(200);
    expect(discord.stats().rateLimited.global - before).toBe(0);
    expect(rollingPeak(times)).toBeLessThanOrEqual(50);
    expect(discord.stats().peakRequestsPerSecond).toBeLessThanOrEqual(50);
    // Both waited: the budget really was shared, not split.
    expect(a.waits.count).toBeGreaterThan(0);
    expect(b.waits.count).toBeGreaterThan(0);
  }, 20_000);

  it("without a shared limit, two clients of one token exceed the global limit (the failure it prevents)", async () => {
    // After the limited run: its requests must not share an emulator window with these.
    await new Promise((r) => setTimeout(r, 1_100));
    const before = discord.stats().rateLimited.global;
    const times = await burst([restClient(), restClient()], 120);
    expect(discord.stats().rateLimited.global - before).toBeGreaterThan(0);
    expect(rollingPeak(times)).toBeGreaterThan(50);
  }, 20_000);

  it("lets interaction callbacks and webhooks through without taking from the budget", async () => {
    const limiter = await connect(1, `${ns.prefix}-exempt`);
    await limiter.acquire();
    const seen: string[] = [];
    const wrapped = limiter.wrap(async (url) => {
      seen.push(url);
      return new Response(null, { status: 204 });
    });
    // An aborted signal makes any wait fail at once, so only an exempt request can reach the network.
    const signal = AbortSignal.abort();
    await wrapped(`${discord.apiUrl}/v10/interactions/1/tok/callback`, { method: "POST", signal });
    await wrapped(`${discord.apiUrl}/v10/webhooks/1/tok`, { method: "POST", signal });
    await expect(wrapped(`${discord.apiUrl}/v10/channels/1/messages`, { method: "POST", signal })).rejects.toThrow();
    expect(seen).toHaveLength(2);
  });

  it("says clearly when Redis cannot be reached at start-up", async () => {
    await expect(
      GlobalRateLimiter.connect({
        redisUrl: "redis://:secret@127.0.0.1:1",
        token: "t",
        perSecond: 45,
        connectTimeoutMs: 500,
      }),
    ).rejects.toThrow(/cannot reach Redis for the shared Discord rate limit \(redis:\/\/:\*\*\*@127\.0\.0\.1:1\)/);
  });
});
