import { DiscordAPIError, type MessageReaction, PermissionFlagsBits, type TextChannel, type User } from "discord.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Fixture, nextEvent, startFixture } from "./fixture.js";

let fx: Fixture;
let channel: TextChannel;

beforeEach(async () => {
  // Discord allows one reaction per 250 ms per channel; these tests are about semantics, not pacing.
  const fast = { limit: 10, windowMs: 1_000 };
  fx = await startFixture({
    emulator: {
      routeLimits: {
        "PUT /channels/:channel_id/messages/:message_id/reactions/:emoji/@me": fast,
        "DELETE /channels/:channel_id/messages/:message_id/reactions/:emoji/@me": fast,
      },
    },
  });
  channel = fx.client.channels.cache.get(fx.channel.id) as TextChannel;
});
afterEach(async () => fx.close());

describe("reactions", () => {
  it("the bot's reaction is stored on the message and visible in GET", async () => {
    const sent = await channel.send("Story");
    await sent.react("👍");
    expect(fx.emulator.message(sent.id)?.reactions["👍"]?.userIds).toEqual([fx.emulator.botUser.id]);
    const fetched = await channel.messages.fetch({ message: sent.id, force: true });
    expect(fetched.reactions.cache.get("👍")?.me).toBe(true);
    await fetched.reactions.cache.get("👍")!.users.remove(fx.emulator.botUser.id);
    expect(fx.emulator.message(sent.id)?.reactions["👍"]).toBeUndefined();
  });

  it("a user's reaction on a cached message arrives as messageReactionAdd, and its removal as messageReactionRemove", async () => {
    const sent = await channel.send("Story");
    const added = nextEvent<[MessageReaction, User]>(fx.client, "messageReactionAdd");
    fx.emulator.addReaction(fx.channel.id, sent.id, fx.member.id, "🔥");
    const [reaction, user] = await added;
    expect(reaction.emoji.name).toBe("🔥");
    expect(reaction.message.id).toBe(sent.id);
    expect(user.id).toBe(fx.member.id);
    const removed = nextEvent<[MessageReaction, User]>(fx.client, "messageReactionRemove");
    fx.emulator.removeReaction(fx.channel.id, sent.id, fx.member.id, "🔥");
    const [gone, who] = await removed;
    expect(gone.emoji.name).toBe("🔥");
    expect(who.id).toBe(fx.member.id);
  });

  it("a reaction on an uncached message arrives as a partial that fetch() completes (needs GET message)", async () => {
    const seen = nextEvent(fx.client, "messageCreate");
    const posted = fx.emulator.postMessage(fx.channel.id, fx.member.id, "older story");
    await seen;
    // As after a restart: the client never cached the message.
    channel.messages.cache.delete(posted.id);
    const added = nextEvent<[MessageReaction, User]>(fx.client, "messageReactionAdd");
    fx.emulator.addReaction(fx.channel.id, posted.id, fx.member.id, "👍");
    const [reaction] = await added;
    expect(reaction.partial || reaction.message.partial).toBe(true);
    const full = await reaction.fetch();
    expect(full.message.content).toBe("older story");
    expect(full.count).toBe(1);
    expect(
      fx.emulator.requests.some((r) => r.method === "GET" && r.route === "/channels/:channel_id/messages/:message_id"),
    ).toBe(true);
  });

  it("lists who reacted, in id order", async () => {
    const sent = await channel.send("Story");
    const other = fx.emulator.createMember(fx.guild.id, { username: "second" });
    fx.emulator.addReaction(fx.channel.id, sent.id, fx.member.id, "👍");
    fx.emulator.addReaction(fx.channel.id, sent.id, other.id, "👍");
    const fetched = await channel.messages.fetch({ message: sent.id, force: true });
    const users = await fetched.reactions.cache.get("👍")!.users.fetch();
    expect([...users.keys()]).toEqual([fx.member.id, other.id]);
  });

  it("custom emojis must exist; unknown ones answer 10014", async () => {
    const sent = await channel.send("Story");
    const emoji = fx.emulator.createEmoji(fx.guild.id, "newsdesk");
    await sent.react(emoji);
    expect(Object.values(fx.emulator.message(sent.id)!.reactions)[0]?.emoji.name).toBe("newsdesk");
    const err = await sent.react("ghost:1234567890123456789").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DiscordAPIError);
    expect((err as DiscordAPIError).code).toBe(10014);
  });

  it("starting a new reaction needs Add Reactions; joining an existing one does not", async () => {
    const sent = await channel.send("Story");
    fx.emulator.addReaction(fx.channel.id, sent.id, fx.member.id, "👍");
    fx.emulator.setBotChannelPermissions(fx.channel.id, { deny: PermissionFlagsBits.AddReactions });
    await sent.react("👍");
    const err = await sent.react("🎉").catch((e: unknown) => e);
    expect((err as DiscordAPIError).code).toBe(50013);
  });
});
