import { REST } from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commandDefinitions } from "../../commands/index.js";
import { type DiscordEmulator, startDiscordEmulator } from "../../src/dev/discord-emulator/index.js";
import { deployCommands } from "../../src/discord/deploy.js";

describe("deploy-commands", () => {
  let discord: DiscordEmulator;
  let rest: REST;
  beforeAll(async () => {
    discord = await startDiscordEmulator();
    rest = new REST({ api: discord.apiUrl, timeout: 3_000 }).setToken(discord.token);
  });
  afterAll(async () => {
    await discord.close();
  });

  it("registers every command in a guild, then leaves unchanged commands alone", async () => {
    const guild = discord.createGuild({ name: "dev" });
    const first = await deployCommands(rest, discord.applicationId, commandDefinitions(), guild.id);
    expect(first).toEqual({ scope: "guild", changed: true, count: 7 });
    expect(
      discord
        .commands(guild.id)
        .map((c) => c.name)
        .sort(),
    ).toEqual(["Related coverage", "feeds", "news", "subscribe", "subscriptions", "topics", "unsubscribe"].sort());
    const puts = () => discord.requests.filter((r) => r.method === "PUT").length;
    const before = puts();
    const second = await deployCommands(rest, discord.applicationId, commandDefinitions(), guild.id);
    expect(second.changed).toBe(false);
    expect(puts()).toBe(before);
  });

  it("registers globally when no guild is given", async () => {
    const result = await deployCommands(rest, discord.applicationId, commandDefinitions());
    expect(result.scope).toBe("global");
    expect(discord.commands().length).toBe(7);
  });

  it("sets the permissions admins need on the admin commands", () => {
    const defs = Object.fromEntries(commandDefinitions().map((d) => [d.name, d]));
    expect(defs.subscribe?.default_member_permissions).toBe(String(1 << 4)); // Manage Channels
    expect(defs.feeds?.default_member_permissions).toBe(String(1 << 5)); // Manage Server
    expect(defs.news?.default_member_permissions ?? null).toBeNull();
  });
});

describe("invite permissions", () => {
  it("are exactly what the README's invite link asks for", async () => {
    const { invitePermissionsValue } = await import("../../src/discord/permissions.js");
    // View Channel, Send Messages, Embed Links, Read Message History, Create Public Threads, Send Messages in Threads
    expect(invitePermissionsValue()).toBe("309237730304");
  });
});
