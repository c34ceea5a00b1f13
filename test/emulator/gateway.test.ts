import { type Client, GatewayIntentBits, type Guild, type Message, type TextChannel } from "discord.js";
import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import {
  createTestClient,
  type DiscordEmulator,
  loginTestClient,
  shardOf,
  startDiscordEmulator,
} from "../../src/dev/discord-emulator/index.js";
import { type Fixture, nextEvent, startFixture } from "./fixture.js";

let fx: Fixture | undefined;
let emulator: DiscordEmulator | undefined;
const clients: Client[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) await c.destroy();
  await fx?.close();
  await emulator?.close();
  fx = undefined;
  emulator = undefined;
});

const resumesSent = (e: DiscordEmulator) => e.gatewayLog.filter((l) => l.direction === "in" && l.op === 6).length;
const identifiesSent = (e: DiscordEmulator) => e.gatewayLog.filter((l) => l.direction === "in" && l.op === 2).length;

describe("gateway", () => {
  it("READY carries the session and resume URL; each connection gets the intents it asked for", async () => {
    fx = await startFixture();
    const [session] = fx.emulator.sessions();
    expect(session).toMatchObject({ shard: [0, 1], connected: true });
    expect(session!.intents & GatewayIntentBits.GuildMessages).toBeTruthy();

    // A second process with the same token but without GuildMessages gets no message events.
    const quiet = createTestClient(fx.emulator, { intents: [GatewayIntentBits.Guilds] });
    clients.push(quiet);
    await loginTestClient(quiet, fx.emulator);
    expect(fx.emulator.sessions()).toHaveLength(2);
    let quietSaw = 0;
    quiet.on("messageCreate", () => quietSaw++);
    const seen = nextEvent<[Message]>(fx.client, "messageCreate");
    fx.emulator.postMessage(fx.channel.id, fx.member.id, "hello");
    expect((await seen)[0].author.id).toBe(fx.member.id);
    expect(quietSaw).toBe(0);
  });

  it("without the Message Content intent, others' messages arrive without content unless they mention the bot", async () => {
    fx = await startFixture();
    expect(fx.emulator.sessions()[0]!.intents & GatewayIntentBits.MessageContent).toBe(0);
    const plain = nextEvent<[Message]>(fx.client, "messageCreate");
    fx.emulator.postMessage(fx.channel.id, fx.member.id, "secret");
    expect((await plain)[0].content).toBe("");
    const mention = nextEvent<[Message]>(fx.client, "messageCreate");
    fx.emulator.postMessage(fx.channel.id, fx.member.id, `<@${fx.emulator.botUser.id}> hi`);
    expect((await mention)[0].content).toBe(`<@${fx.emulator.botUser.id}> hi`);

    const reader = createTestClient(fx.emulator, {
      intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent],
    });
    clients.push(reader);
    await loginTestClient(reader, fx.emulator);
    const full = nextEvent<[Message]>(reader, "messageCreate");
    fx.emulator.postMessage(fx.channel.id, fx.member.id, "visible");
    expect((await full)[0].content).toBe("visible");
  });

  it("with Message Content not enabled for the app, REST reads others' messages without content and the intent is refused (4014)", async () => {
    fx = await startFixture({ emulator: { privilegedIntents: 0 } });
    const posted = fx.emulator.postMessage(fx.channel.id, fx.member.id, "a user's words");
    const channel = fx.client.channels.cache.get(fx.channel.id) as TextChannel;
    const fetched = await channel.messages.fetch({ message: posted.id, force: true });
    expect(fetched.content).toBe("");
    const own = await channel.send("the bot's words");
    expect((await channel.messages.fetch({ message: own.id, force: true })).content).toBe("the bot's words");

    const greedy = createTestClient(fx.emulator, {
      intents: [GatewayIntentBits.Guilds, GatewayIntentBits.MessageContent],
    });
    clients.push(greedy);
    void greedy.login(fx.emulator.token).catch(() => undefined);
    await expect.poll(() => fx!.emulator.gatewayLog.some((l) => l.direction === "close" && l.code === 4014)).toBe(true);
  });

  it("resumes after a close: sends RESUME and gets the events it missed", async () => {
    fx = await startFixture();
    const received: string[] = [];
    fx.client.on("messageCreate", (m) => received.push(m.content));
    const resumed = fx.emulator.waitForGateway("resume");
    fx.emulator.closeGateway(4000);
    // Sent while the client is disconnected: Discord holds these for the session.
    fx.emulator.createMember(fx.guild.id, { username: "late" });
    const mentioned = fx.emulator.postMessage(fx.channel.id, fx.member.id, `<@${fx.emulator.botUser.id}> missed me?`);
    await resumed;
    await expect.poll(() => received).toContain(mentioned.content);
    expect(resumesSent(fx.emulator)).toBe(1);
    expect(identifiesSent(fx.emulator)).toBe(1);
    expect(fx.emulator.sessions()).toHaveLength(1);
  });

  it("a non-resumable invalid session makes the client identify afresh and become ready again", async () => {
    fx = await startFixture();
    // Destroying a client between IDENTIFY and READY makes discord.js reconnect, so wait for ready.
    const ready = nextEvent(fx.client, "shardReady");
    fx.emulator.invalidateSession(false);
    await ready;
    expect(identifiesSent(fx.emulator)).toBe(2);
    expect(fx.emulator.sessions().filter((s) => s.connected)).toHaveLength(1);
  });

  it("a session closed with 4009 (timed out) cannot be resumed: the RESUME gets op 9 and the client identifies", async () => {
    fx = await startFixture();
    const ready = nextEvent(fx.client, "shardReady");
    fx.emulator.closeGateway(4009);
    await ready;
    expect(identifiesSent(fx.emulator)).toBe(2);
    expect(resumesSent(fx.emulator)).toBe(1);
    expect(fx.emulator.gatewayLog.some((l) => l.direction === "out" && l.op === 9)).toBe(true);
  });

  it("a session not resumed within the resume window is gone: the client gets op 9 and identifies", async () => {
    fx = await startFixture({ emulator: { resumeWindowMs: 50 } });
    const ready = nextEvent(fx.client, "shardReady");
    fx.emulator.closeGateway(4000);
    // discord.js waits 500 ms before reconnecting; the window closes meanwhile.
    await ready;
    expect(resumesSent(fx.emulator)).toBe(1);
    expect(identifiesSent(fx.emulator)).toBe(2);
    expect(fx.emulator.sessions()).toHaveLength(1);
  });

  it("op 7 reconnect: the client reconnects and resumes", async () => {
    fx = await startFixture();
    const resumed = fx.emulator.waitForGateway("resume");
    fx.emulator.requestReconnect();
    await resumed;
    expect(resumesSent(fx.emulator)).toBe(1);
  });

  it("a stalled heartbeat ACK makes the client drop the zombie connection and resume", async () => {
    fx = await startFixture({ emulator: { heartbeatIntervalMs: 60 } });
    await fx.emulator.waitForGateway("heartbeat");
    const resumed = fx.emulator.waitForGateway("resume");
    fx.emulator.stallHeartbeatAck();
    await resumed;
    expect(resumesSent(fx.emulator)).toBe(1);
  });

  it("sharding: two clients with shard [0,2] and [1,2] each get only their guilds and their interactions", async () => {
    emulator = await startDiscordEmulator();
    const at = (ms: number) => ((BigInt(ms) - 1_420_070_400_000n) << 22n).toString();
    const now = Date.now();
    const even = emulator.createGuild({ name: "even", id: at(now - (now % 2)) });
    const odd = emulator.createGuild({ name: "odd", id: at(now - (now % 2) + 1) });
    expect(shardOf(even.id, 2)).not.toBe(shardOf(odd.id, 2));
    const [zero, one] = shardOf(even.id, 2) === 0 ? [even, odd] : [odd, even];
    const a = createTestClient(emulator, { shards: [0], shardCount: 2 });
    const b = createTestClient(emulator, { shards: [1], shardCount: 2 });
    clients.push(a, b);
    await Promise.all([loginTestClient(a, emulator), loginTestClient(b, emulator)]);
    expect([...a.guilds.cache.keys()]).toEqual([zero.id]);
    expect([...b.guilds.cache.keys()]).toEqual([one.id]);

    // Guild events go only to the owning shard.
    const channel = emulator.createChannel(one.id, { name: "shard-one" });
    const member = emulator.createMember(one.id, { username: "u" });
    let aSaw = 0;
    a.on("messageCreate", () => aSaw++);
    const bSaw = nextEvent<[Message]>(b, "messageCreate");
    emulator.postMessage(channel.id, member.id, "for shard one");
    expect((await bSaw)[0].guildId).toBe(one.id);
    expect(aSaw).toBe(0);
    // So do interactions: the command runs in shard one's guild and only client b sees it.
    await b.application!.commands.set([{ name: "ping", description: "p" }]);
    let aInteractions = 0;
    a.on("interactionCreate", () => aInteractions++);
    b.on("interactionCreate", (i) => void (i.isChatInputCommand() && i.reply("pong from b")));
    const handle = emulator.runCommand("ping", { channelId: channel.id, userId: member.id });
    expect((await handle.response()).content).toBe("pong from b");
    expect(aInteractions).toBe(0);

    const deleted = nextEvent<[Guild]>(b, "guildDelete");
    emulator.removeGuild(one.id);
    expect((await deleted)[0].id).toBe(one.id);
  });

  it("bad frames get Discord's close codes: 4002 undecodable, 4003 before IDENTIFY, 4004 wrong token, 4001 unknown op", async () => {
    emulator = await startDiscordEmulator();
    const e = emulator;
    const closeCodeAfter = async (frames: string[]) => {
      const ws = new WebSocket(`${e.gatewayUrl}/?v=10&encoding=json`);
      const code = new Promise<number>((resolve) => ws.on("close", (c) => resolve(c)));
      await new Promise((resolve) => ws.once("message", resolve)); // HELLO
      for (const f of frames) ws.send(f);
      return code;
    };
    const identify = JSON.stringify({ op: 2, d: { token: e.token, intents: 1, properties: {} } });
    expect(await closeCodeAfter(["{not json"])).toBe(4002);
    expect(await closeCodeAfter(["42"])).toBe(4002);
    expect(await closeCodeAfter([JSON.stringify({ op: 3, d: {} })])).toBe(4003);
    expect(await closeCodeAfter([JSON.stringify({ op: 2, d: { token: "nope", intents: 1 } })])).toBe(4004);
    expect(await closeCodeAfter([identify, JSON.stringify({ op: 99 })])).toBe(4001);
    expect(await closeCodeAfter([identify, identify])).toBe(4005);
    // The emulator keeps serving after all of that.
    const res = await fetch(`${e.apiUrl}/v10/gateway`);
    expect(res.status).toBe(200);
  });

  it("with shards: 'auto', one client follows /gateway/bot's recommendation and opens a session per shard", async () => {
    emulator = await startDiscordEmulator({ recommendedShards: 2 });
    const at = (ms: number) => ((BigInt(ms) - 1_420_070_400_000n) << 22n).toString();
    const base = Date.now() - (Date.now() % 2);
    const guilds = [
      emulator.createGuild({ name: "a", id: at(base) }),
      emulator.createGuild({ name: "b", id: at(base + 1) }),
    ];
    const client = createTestClient(emulator, { shards: "auto" });
    clients.push(client);
    await loginTestClient(client, emulator);
    expect(
      emulator
        .sessions()
        .map((s) => s.shard)
        .sort(),
    ).toEqual([
      [0, 2],
      [1, 2],
    ]);
    expect([...client.guilds.cache.keys()].sort()).toEqual(guilds.map((g) => g.id).sort());
    expect(client.guilds.cache.get(guilds[0]!.id)?.shardId).toBe(shardOf(guilds[0]!.id, 2));
  });

  it("a guild outage and recovery arrive as guildUnavailable and guildAvailable", async () => {
    fx = await startFixture();
    const down = nextEvent<[Guild]>(fx.client, "guildUnavailable");
    fx.emulator.guildOutage(fx.guild.id);
    expect((await down)[0].available).toBe(false);
    const up = nextEvent<[Guild]>(fx.client, "guildAvailable");
    fx.emulator.guildRecovered(fx.guild.id);
    expect((await up)[0].id).toBe(fx.guild.id);
    expect(fx.client.guilds.cache.get(fx.guild.id)?.available).toBe(true);
  });

  it("a wrong token fails login with TokenInvalid and leaves nothing running", async () => {
    emulator = await startDiscordEmulator();
    const client = createTestClient(emulator);
    clients.push(client);
    await expect(client.login("not-the-token")).rejects.toThrow(/invalid token/i);
  });
});
