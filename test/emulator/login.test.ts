import type { Client } from "discord.js";
import { afterEach, describe, expect, it } from "vitest";
import {
  createTestClient,
  type DiscordEmulator,
  loginTestClient,
  startDiscordEmulator,
} from "../../src/dev/discord-emulator/index.js";

let emulator: DiscordEmulator;
let client: Client | undefined;

afterEach(async () => {
  await client?.destroy();
  client = undefined;
  await emulator?.close();
});

describe("login", () => {
  it("the unmodified discord.js client logs in, becomes ready and sees seeded guilds", async () => {
    emulator = await startDiscordEmulator();
    const guild = emulator.createGuild({ name: "Newsroom" });
    const channel = emulator.createChannel(guild.id, { name: "tech-news" });
    client = createTestClient(emulator);
    const ready = await loginTestClient(client, emulator);
    expect(ready.user.id).toBe(emulator.botUser.id);
    const g = ready.guilds.cache.get(guild.id);
    expect(g?.name).toBe("Newsroom");
    expect(g?.channels.cache.get(channel.id)?.name).toBe("tech-news");
    expect(g?.members.me?.permissionsIn(channel.id).has("SendMessages")).toBe(true);
    expect(emulator.unknownRoutes).toEqual([]);
  });

  it("keeps only the newest requests when asked to, so a long demo does not grow without bound", async () => {
    emulator = await startDiscordEmulator({
      maxRecordedRequests: 10,
      defaultRouteLimit: { limit: 1000, windowMs: 1000 },
    });
    const headers = { authorization: `Bot ${emulator.token}` };
    for (let i = 0; i < 150; i++) await (await fetch(`${emulator.apiUrl}/v10/users/@me`, { headers })).arrayBuffer();
    expect(emulator.requests.length).toBeLessThan(150);
    expect(emulator.requests.at(-1)?.index).toBe(149);
    expect(emulator.stats().requests).toBe(150);
  });
});
