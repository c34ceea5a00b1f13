import { DiscordAPIError, EmbedBuilder, PermissionFlagsBits, type TextChannel } from "discord.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Fixture, nextEvent, startFixture } from "./fixture.js";

let fx: Fixture;
let channel: TextChannel;

beforeEach(async () => {
  fx = await startFixture({ emulator: { messageRateLimit: { limit: 50, windowMs: 1_000 } } });
  channel = fx.client.channels.cache.get(fx.channel.id) as TextChannel;
});
afterEach(async () => fx.close());

async function apiError(promise: Promise<unknown>): Promise<DiscordAPIError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DiscordAPIError);
  return err as DiscordAPIError;
}

describe("channel messages", () => {
  it("posts an embed; the channel holds it with embeds and allowed_mentions as sent", async () => {
    const embed = new EmbedBuilder()
      .setTitle("Chip shortage eases")
      .setDescription("Three outlets report")
      .setURL("https://example.com/a");
    const sent = await channel.send({ embeds: [embed], allowedMentions: { parse: [] } });
    const [stored] = fx.emulator.messages(fx.channel.id);
    expect(stored?.id).toBe(sent.id);
    expect(stored?.embeds[0]).toMatchObject({
      title: "Chip shortage eases",
      type: "rich",
      url: "https://example.com/a",
    });
    expect(stored?.allowedMentions).toEqual({ parse: [] });
    expect(stored?.authorId).toBe(fx.emulator.botUser.id);
  });

  it("rejects an over-long embed title with 50035 and the field path", async () => {
    const err = await apiError(channel.send({ embeds: [{ title: "x".repeat(257) }] }));
    expect(err.code).toBe(50035);
    expect(err.status).toBe(400);
    expect(err.message).toContain("embeds[0].title[BASE_TYPE_MAX_LENGTH]");
    expect(fx.emulator.messages(fx.channel.id)).toEqual([]);
  });

  it("enforces the 6000-character total across embeds, 25 fields, 10 embeds and content 2000", async () => {
    const big = { description: "d".repeat(4000), fields: [{ name: "n", value: "v".repeat(1000) }] };
    const total = await apiError(channel.send({ embeds: [big, big] }));
    expect(total.message).toContain("embeds[MAX_EMBED_SIZE_EXCEEDED]");
    const fields = Array.from({ length: 26 }, (_, i) => ({ name: `f${i}`, value: "v" }));
    expect((await apiError(channel.send({ embeds: [{ fields }] }))).message).toContain(
      "embeds[0].fields[BASE_TYPE_MAX_LENGTH]",
    );
    const eleven = Array.from({ length: 11 }, () => ({ title: "t" }));
    expect((await apiError(channel.send({ embeds: eleven }))).message).toContain("embeds[BASE_TYPE_MAX_LENGTH]");
    expect((await apiError(channel.send({ content: "c".repeat(2001) }))).message).toContain(
      "content[BASE_TYPE_MAX_LENGTH]",
    );
    const value = await apiError(channel.send({ embeds: [{ fields: [{ name: "n", value: "v".repeat(1025) }] }] }));
    expect(value.message).toContain("embeds[0].fields[0].value");
  });

  it("rejects allowed_mentions that both parse users and list users, and non-snowflake ids", async () => {
    const conflict = await apiError(
      channel.send({ content: "hi", allowedMentions: { parse: ["users"], users: [fx.member.id] } }),
    );
    expect(conflict.message).toContain("allowed_mentions");
    const bad = await apiError(
      fx.client.rest.post(`/channels/${fx.channel.id}/messages`, {
        body: { content: "x", allowed_mentions: { users: ["user-1"] } },
      }),
    );
    expect(bad.message).toContain('allowed_mentions.users[0][NUMBER_TYPE_COERCE]: Value "user-1" is not snowflake.');
  });

  it("answers 50013 when the bot lacks Send Messages or Embed Links in that channel only", async () => {
    fx.emulator.setBotChannelPermissions(fx.channel.id, { deny: PermissionFlagsBits.EmbedLinks });
    const noEmbed = await apiError(channel.send({ embeds: [{ title: "t" }] }));
    expect(noEmbed.code).toBe(50013);
    expect(noEmbed.status).toBe(403);
    await channel.send("plain text still works");
    fx.emulator.setBotChannelPermissions(fx.channel.id, { deny: PermissionFlagsBits.SendMessages });
    expect((await apiError(channel.send("no"))).code).toBe(50013);
    const other = fx.emulator.createChannel(fx.guild.id, { name: "other" });
    await fx.client.rest.post(`/channels/${other.id}/messages`, { body: { embeds: [{ title: "fine here" }] } });
    // Refusals count toward Discord's invalid-request limit (10,000 per 10 min before an IP ban).
    expect(fx.emulator.stats().invalidRequests).toBe(2);
  });

  it("answers 50001 Missing Access for a channel the bot cannot see", async () => {
    fx.emulator.setBotChannelPermissions(fx.channel.id, { deny: PermissionFlagsBits.ViewChannel });
    expect((await apiError(channel.send("x"))).code).toBe(50001);
  });

  it("a channel deleted under the bot: CHANNEL_DELETE arrives, later calls get 10003", async () => {
    const deleted = nextEvent(fx.client, "channelDelete");
    fx.emulator.deleteChannel(fx.channel.id);
    const [gone] = await deleted;
    expect((gone as { id: string }).id).toBe(fx.channel.id);
    const err = await apiError(fx.client.rest.post(`/channels/${fx.channel.id}/messages`, { body: { content: "x" } }));
    expect(err.code).toBe(10003);
    expect(err.status).toBe(404);
  });

  it("enforce_nonce returns the first message instead of creating a second", async () => {
    const first = await channel.send({ content: "story 1", nonce: "story-1-v1", enforceNonce: true });
    const again = await channel.send({ content: "story 1", nonce: "story-1-v1", enforceNonce: true });
    expect(again.id).toBe(first.id);
    expect(fx.emulator.messages(fx.channel.id)).toHaveLength(1);
    // Without enforce_nonce, Discord creates a second message.
    await channel.send({ content: "story 1", nonce: "story-1-v1" });
    expect(fx.emulator.messages(fx.channel.id)).toHaveLength(2);
  });

  it("keeps an edit history visible to tests; GET returns the current state", async () => {
    const sent = await channel.send({ content: "v1", embeds: [{ title: "one source" }] });
    await sent.edit({ content: "v2", embeds: [{ title: "two sources" }] });
    await sent.edit({ content: "v3" });
    const stored = fx.emulator.message(sent.id)!;
    expect(stored.content).toBe("v3");
    expect(stored.embeds[0]?.title).toBe("two sources");
    expect(stored.edits.map((e) => e.content)).toEqual(["v1", "v2"]);
    expect(stored.editedTimestamp).not.toBeNull();
    const fetched = await channel.messages.fetch({ message: sent.id, force: true });
    expect(fetched.content).toBe("v3");
    expect(fetched.editedTimestamp).not.toBeNull();
  });

  it("lists messages newest first with limit/before/after, and deletes", async () => {
    const sent = [];
    for (const c of ["a", "b", "c", "d"]) sent.push(await channel.send(c));
    const latest = await channel.messages.fetch({ limit: 2, cache: false });
    expect([...latest.values()].map((m) => m.content)).toEqual(["d", "c"]);
    const before = await channel.messages.fetch({ before: sent[2]!.id, cache: false });
    expect([...before.values()].map((m) => m.content)).toEqual(["b", "a"]);
    const after = await channel.messages.fetch({ after: sent[1]!.id, cache: false });
    expect([...after.values()].map((m) => m.content).sort()).toEqual(["c", "d"]);
    await sent[0]!.delete();
    expect(fx.emulator.messages(fx.channel.id).map((m) => m.content)).toEqual(["b", "c", "d"]);
    expect((await apiError(channel.messages.fetch({ message: sent[0]!.id, force: true }))).code).toBe(10008);
  });

  it("replies with message_reference; an unknown reference is a 50035", async () => {
    const original = await channel.send("original");
    const reply = await original.reply("a reply");
    expect(reply.reference?.messageId).toBe(original.id);
    expect(fx.emulator.message(reply.id)?.type).toBe(19);
    const err = await apiError(
      fx.client.rest.post(`/channels/${fx.channel.id}/messages`, {
        body: { content: "x", message_reference: { message_id: "1234567890123456789" } },
      }),
    );
    expect(err.message).toContain("message_reference");
  });

  it("starts a public thread from a message (same id, type 11, parent set) and posts in it", async () => {
    const starter = await channel.send("Story: chips");
    const thread = await starter.startThread({ name: "Chips: coverage" });
    expect(thread.id).toBe(starter.id);
    expect(thread.type).toBe(11);
    expect(thread.parentId).toBe(fx.channel.id);
    await thread.send("Related: another outlet");
    expect(fx.emulator.messages(thread.id).map((m) => m.content)).toEqual(["Related: another outlet"]);
    expect((await apiError(starter.startThread({ name: "again" }))).code).toBe(160004);
    const other = await channel.send("Story: phones");
    const badArchive = await apiError(
      fx.client.rest.post(`/channels/${fx.channel.id}/messages/${other.id}/threads`, {
        body: { name: "x", auto_archive_duration: 30 },
      }),
    );
    expect(badArchive.message).toContain("auto_archive_duration[BASE_TYPE_CHOICES]");
  });

  it("starts a thread without a message (private by default, public on request)", async () => {
    const thread = await channel.threads.create({ name: "Weekly digest", type: 11 });
    expect(thread.type).toBe(11);
    expect(thread.parentId).toBe(fx.channel.id);
    await thread.send("digest");
    expect(fx.emulator.messages(thread.id)).toHaveLength(1);
  });

  it("needs Create Public Threads to start a thread", async () => {
    const starter = await channel.send("Story");
    fx.emulator.setBotChannelPermissions(fx.channel.id, { deny: PermissionFlagsBits.CreatePublicThreads });
    expect((await apiError(starter.startThread({ name: "t" }))).code).toBe(50013);
  });

  it("answers 404 at once for unknown routes and records them", async () => {
    const err = await apiError(fx.client.rest.get("/no/such/route"));
    expect(err.status).toBe(404);
    expect(fx.emulator.unknownRoutes.map((r) => r.path)).toEqual(["/no/such/route"]);
  });

  it("malformed JSON is a 400 (50109) and a non-snowflake id a 50035; the emulator keeps serving", async () => {
    const headers = { authorization: `Bot ${fx.emulator.token}`, "content-type": "application/json" };
    const broken = await fetch(`${fx.emulator.apiUrl}/v10/channels/${fx.channel.id}/messages`, {
      method: "POST",
      headers,
      body: "{content:",
    });
    expect(broken.status).toBe(400);
    expect(await broken.json()).toMatchObject({ code: 50109 });
    const err = await apiError(fx.client.rest.get("/channels/user-1"));
    expect(err.code).toBe(50035);
    expect(err.message).toContain('channel_id[NUMBER_TYPE_COERCE]: Value "user-1" is not snowflake.');
    await channel.send("still fine");
  });

  it("a body over the upload limit is a 413 (40005), answered, not a dropped connection", async () => {
    await fx.close();
    fx = await startFixture({ emulator: { maxRequestBytes: 64 * 1024 } });
    const res = await fetch(`${fx.emulator.apiUrl}/v10/channels/${fx.channel.id}/messages`, {
      method: "POST",
      headers: { authorization: `Bot ${fx.emulator.token}`, "content-type": "application/json" },
      body: JSON.stringify({ content: "x".repeat(65 * 1024) }),
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ code: 40005 });
  });

  it("refuses a wrong bot token with 401", async () => {
    const res = await fetch(`${fx.emulator.apiUrl}/v10/users/@me`, { headers: { authorization: "Bot nope" } });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: 0 });
  });
});
