import { HTTPError, type TextChannel } from "discord.js";
import { afterEach, describe, expect, it } from "vitest";
import { type Fixture, startFixture } from "./fixture.js";

let fx: Fixture;
afterEach(async () => fx.close());

const MESSAGES = "/channels/:channel_id/messages";

describe("rate limits and server errors", () => {
  it("every bucketed answer carries X-RateLimit-* headers; a 6th message in 5 s is a 429 with Retry-After", async () => {
    fx = await startFixture({ login: false });
    const url = `${fx.emulator.apiUrl}/v10/channels/${fx.channel.id}/messages`;
    const post = () =>
      fetch(url, {
        method: "POST",
        headers: { authorization: `Bot ${fx.emulator.token}`, "content-type": "application/json" },
        body: JSON.stringify({ content: "x" }),
      });
    const first = await post();
    expect(first.headers.get("x-ratelimit-limit")).toBe("5");
    expect(first.headers.get("x-ratelimit-remaining")).toBe("4");
    expect(Number(first.headers.get("x-ratelimit-reset-after"))).toBeGreaterThan(4);
    expect(first.headers.get("x-ratelimit-bucket")).toMatch(/^[0-9a-f]{32}$/);
    for (let i = 0; i < 4; i++) await post();
    const limited = await post();
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(limited.headers.get("x-ratelimit-scope")).toBe("user");
    expect(limited.headers.get("x-ratelimit-global")).toBeNull();
    expect(await limited.json()).toMatchObject({ message: "You are being rate limited.", global: false });
    expect(fx.emulator.stats().rateLimited.route).toBe(1);
    expect(fx.emulator.messages(fx.channel.id)).toHaveLength(5);
  });

  it("discord.js waits out a 429 it did not see coming (another process used the bucket) and the message lands once", async () => {
    fx = await startFixture({ emulator: { messageRateLimit: { limit: 1, windowMs: 100 } } });
    // Another process with the same token takes the channel's allowance.
    await fetch(`${fx.emulator.apiUrl}/v10/channels/${fx.channel.id}/messages`, {
      method: "POST",
      headers: { authorization: `Bot ${fx.emulator.token}`, "content-type": "application/json" },
      body: JSON.stringify({ content: "other process" }),
    });
    const channel = fx.client.channels.cache.get(fx.channel.id) as TextChannel;
    await channel.send("ours");
    const statuses = fx.emulator.requests.filter((r) => r.route === MESSAGES).map((r) => r.status);
    expect(statuses).toEqual([200, 429, 200]);
    expect(fx.emulator.messages(fx.channel.id).map((m) => m.content)).toEqual(["other process", "ours"]);
  });

  it("the global limit is per token across connections: 429 with X-RateLimit-Global; interaction routes are exempt", async () => {
    fx = await startFixture({ emulator: { globalRateLimit: 5 }, login: false });
    const get = () =>
      fetch(`${fx.emulator.apiUrl}/v10/users/@me`, { headers: { authorization: `Bot ${fx.emulator.token}` } });
    const answers = await Promise.all(Array.from({ length: 6 }, get));
    const limited = answers.filter((r) => r.status === 429);
    expect(limited).toHaveLength(1);
    expect(limited[0]!.headers.get("x-ratelimit-global")).toBe("true");
    expect(limited[0]!.headers.get("x-ratelimit-scope")).toBe("global");
    expect(await limited[0]!.json()).toMatchObject({ global: true });
    const callback = await fetch(`${fx.emulator.apiUrl}/v10/interactions/1234567890123456789/token/callback`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ type: 1 }),
    });
    expect(callback.status).toBe(404);
    expect(fx.emulator.stats()).toMatchObject({ rateLimited: { global: 1, route: 0, injected: 0 } });
    expect(fx.emulator.stats().peakRequestsPerSecond).toBeGreaterThanOrEqual(6);
  });

  it("an injected 429 storm is retried by discord.js after Retry-After and counted as injected", async () => {
    fx = await startFixture();
    fx.emulator.rateLimitStorm({ count: 2, routes: [MESSAGES], retryAfterMs: 30 });
    const channel = fx.client.channels.cache.get(fx.channel.id) as TextChannel;
    await channel.send("after the storm");
    const attempts = fx.emulator.requests.filter((r) => r.route === MESSAGES);
    expect(attempts.map((r) => r.status)).toEqual([429, 429, 200]);
    // Refused attempts are recorded with their bodies, so a test can tell which message was held back.
    expect(attempts.map((r) => (r.body as { content: string }).content)).toEqual(Array(3).fill("after the storm"));
    expect(fx.emulator.stats().rateLimited).toEqual({ global: 0, route: 0, injected: 2 });
    expect(fx.emulator.messages(fx.channel.id)).toHaveLength(1);
  });

  it("a global storm for a duration holds every route back; discord.js waits and the request lands", async () => {
    fx = await startFixture();
    fx.emulator.rateLimitStorm({ durationMs: 100, global: true, retryAfterMs: 120 });
    const channel = fx.client.channels.cache.get(fx.channel.id) as TextChannel;
    await channel.send("after");
    const limited = fx.emulator.requests.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(1);
    expect(limited[0]!.response).toMatchObject({ global: true });
    expect(fx.emulator.messages(fx.channel.id)).toHaveLength(1);
  });

  it("5xx answers are retried; past discord.js's retries the error surfaces and nothing was posted", async () => {
    fx = await startFixture();
    const channel = fx.client.channels.cache.get(fx.channel.id) as TextChannel;
    // A fetch of the channel first must not use up the failures aimed at message creation.
    fx.emulator.failNext(2, 502, [`POST ${MESSAGES}`]);
    await channel.messages.fetch({ limit: 1 });
    await channel.send("second try");
    const posts = fx.emulator.requests.filter((r) => r.route === MESSAGES && r.method === "POST");
    expect(posts.map((r) => r.status)).toEqual([502, 502, 200]);
    fx.emulator.failNext(4, 500, [MESSAGES]);
    const err = await channel.send("never").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HTTPError);
    expect((err as HTTPError).status).toBe(500);
    expect(fx.emulator.messages(fx.channel.id).map((m) => m.content)).toEqual(["second try"]);
    expect(fx.emulator.stats().injectedServerErrors).toBe(6);
  });
});
