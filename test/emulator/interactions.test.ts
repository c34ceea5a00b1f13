import {
  type ApplicationCommandDataResolvable,
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ChannelType,
  type ChatInputCommandInteraction,
  type Interaction,
  MessageFlags,
  PermissionFlagsBits,
} from "discord.js";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type Fixture, startFixture } from "./fixture.js";

let fx: Fixture;

const COMMANDS: ApplicationCommandDataResolvable[] = [
  {
    name: "news",
    description: "Latest stories",
    options: [
      { type: ApplicationCommandOptionType.String, name: "topic", description: "Topic", autocomplete: true as const },
      { type: ApplicationCommandOptionType.Integer, name: "count", description: "How many" },
      { type: ApplicationCommandOptionType.Channel, name: "where", description: "Channel" },
    ],
  },
  { name: "ping", description: "Are you there?" },
  {
    name: "subscribe",
    description: "Manage subscriptions",
    options: [
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: "add",
        description: "Subscribe a channel",
        options: [{ type: ApplicationCommandOptionType.String, name: "topic", description: "Topic", required: true }],
      },
    ],
  },
  { type: ApplicationCommandType.Message, name: "Summarize" },
];

beforeEach(async () => {
  fx = await startFixture();
  await fx.client.application.commands.set(COMMANDS, fx.guild.id);
});
afterEach(async () => fx.close());

/** Routes interactions to a handler, as a bot would. */
function onCommand(handler: (i: Interaction) => Promise<unknown>) {
  fx.client.on("interactionCreate", (i) => void handler(i).catch(() => undefined));
}

describe("slash commands", () => {
  it("registers guild commands by bulk overwrite and keeps ids when re-registered", async () => {
    const first = fx.emulator.commands(fx.guild.id);
    expect(first.map((c) => c.name).sort()).toEqual(["Summarize", "news", "ping", "subscribe"]);
    await fx.client.application.commands.set(COMMANDS.slice(0, 2), fx.guild.id);
    const second = fx.emulator.commands(fx.guild.id);
    expect(second.map((c) => c.name)).toEqual(["news", "ping"]);
    expect(second[0]!.id).toBe(first.find((c) => c.name === "news")!.id);
    const listed = await fx.client.application.commands.fetch({ guildId: fx.guild.id });
    expect(listed.size).toBe(2);
  });

  it("delivers options (string, integer, channel with resolved) and the member's permissions; the reply is what the user sees", async () => {
    let seen: ChatInputCommandInteraction | undefined;
    onCommand(async (i) => {
      if (!i.isChatInputCommand()) return;
      seen = i;
      await i.reply({ content: `topic=${i.options.getString("topic")} count=${i.options.getInteger("count")}` });
    });
    const handle = fx.emulator.runCommand("news", {
      channelId: fx.channel.id,
      userId: fx.member.id,
      options: { topic: "ai", count: 3, where: fx.channel.id },
    });
    const reply = await handle.response();
    expect(reply.content).toBe("topic=ai count=3");
    expect(reply.ephemeral).toBe(false);
    expect(seen?.options.getChannel("where")?.id).toBe(fx.channel.id);
    expect(seen?.channel?.id).toBe(fx.channel.id);
    expect(seen?.memberPermissions?.has("SendMessages")).toBe(true);
    expect(seen?.appPermissions.has("EmbedLinks")).toBe(true);
    // A public reply lands in the channel as a message from the bot.
    expect(fx.emulator.messages(fx.channel.id).map((m) => m.content)).toEqual(["topic=ai count=3"]);
  });

  it("defer then editReply: the handle resolves with the edited original, not the loading state", async () => {
    onCommand(async (i) => {
      if (!i.isChatInputCommand()) return;
      await i.deferReply();
      await new Promise((r) => setTimeout(r, 20));
      await i.editReply({ content: "done", embeds: [{ title: "Story" }] });
    });
    const handle = fx.emulator.runCommand("ping", { channelId: fx.channel.id, userId: fx.member.id });
    expect(await handle.acknowledged()).toBe(5);
    const reply = await handle.response();
    expect(reply.content).toBe("done");
    expect(reply.embeds[0]?.title).toBe("Story");
    expect(reply.flags & MessageFlags.Loading).toBe(0);
    expect(reply.edits).toHaveLength(1);
  });

  it("follow-ups after a reply are separate messages; ephemeral replies stay out of the channel's history", async () => {
    onCommand(async (i) => {
      if (!i.isChatInputCommand()) return;
      await i.reply({ content: "only you", flags: MessageFlags.Ephemeral });
      await i.followUp({ content: "and everyone" });
    });
    const handle = fx.emulator.runCommand("ping", { channelId: fx.channel.id, userId: fx.member.id });
    const first = await handle.response();
    expect(first.ephemeral).toBe(true);
    expect(first.flags & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
    await fx.emulator.waitForMessage(fx.channel.id, (m) => m.content === "and everyone");
    expect(handle.messages().map((m) => m.content)).toEqual(["only you", "and everyone"]);
    const history = await fx.client.channels.cache.get(fx.channel.id)!;
    if (!history.isTextBased()) throw new Error("not text");
    const fetched = await history.messages.fetch({ limit: 10, cache: false });
    expect([...fetched.values()].map((m) => m.content)).toEqual(["and everyone"]);
  });

  it("reply withResponse, fetchReply (GET @original) and deleteReply (DELETE @original)", async () => {
    let responseMessageId: string | undefined;
    let fetchedContent: string | undefined;
    onCommand(async (i) => {
      if (!i.isChatInputCommand()) return;
      const response = await i.reply({ content: "soon gone", withResponse: true });
      responseMessageId = response.resource?.message?.id;
      fetchedContent = (await i.fetchReply()).content;
      await i.deleteReply();
    });
    const handle = fx.emulator.runCommand("ping", { channelId: fx.channel.id, userId: fx.member.id });
    const reply = await handle.response();
    await fx.emulator.waitForRequest((r) => r.method === "DELETE" && r.path.endsWith("/messages/@original"));
    expect(responseMessageId).toBe(reply.id);
    expect(fetchedContent).toBe("soon gone");
    expect(fx.emulator.messages(fx.channel.id)).toEqual([]);
    expect(fx.emulator.message(reply.id)?.deleted).toBe(true);
  });

  it("after a defer, the first follow-up fills in the deferred message instead of adding one", async () => {
    onCommand(async (i) => {
      if (!i.isChatInputCommand()) return;
      await i.deferReply();
      await i.followUp("first");
      await i.followUp("second");
    });
    const handle = fx.emulator.runCommand("ping", { channelId: fx.channel.id, userId: fx.member.id });
    expect((await handle.response()).content).toBe("first");
    await fx.emulator.waitForMessage(fx.channel.id, (m) => m.content === "second");
    expect(fx.emulator.messages(fx.channel.id).map((m) => m.content)).toEqual(["first", "second"]);
  });

  it("autocomplete returns the bot's choices", async () => {
    onCommand(async (i) => {
      if (!i.isAutocomplete()) return;
      const typed = i.options.getFocused();
      await i.respond(
        ["ai", "apple", "security"].filter((t) => t.startsWith(typed)).map((t) => ({ name: t, value: t })),
      );
    });
    const handle = fx.emulator.autocomplete("news", {
      channelId: fx.channel.id,
      userId: fx.member.id,
      focused: "topic",
      options: { topic: "a" },
    });
    expect(await handle.choices()).toEqual([
      { name: "ai", value: "ai" },
      { name: "apple", value: "apple" },
    ]);
  });

  it("message context-menu commands carry the target message", async () => {
    const posted = fx.emulator.postMessage(fx.channel.id, fx.member.id, "a long article");
    onCommand(async (i) => {
      if (!i.isMessageContextMenuCommand()) return;
      await i.reply({ content: `summary of ${i.targetMessage.id}: ${i.targetMessage.content}` });
    });
    const handle = fx.emulator.runMessageCommand("Summarize", {
      channelId: fx.channel.id,
      userId: fx.member.id,
      messageId: posted.id,
    });
    expect((await handle.response()).content).toBe(`summary of ${posted.id}: a long article`);
  });

  it("a callback after 3 s fails with Unknown interaction (10062); a second callback with 40060", async () => {
    const errors: unknown[] = [];
    onCommand(async (i) => {
      if (!i.isChatInputCommand()) return;
      await i.reply("first");
      // discord.js refuses a second reply itself, so go to the route directly, as a buggy bot might.
      await i.client.rest
        .post(`/interactions/${i.id}/${i.token}/callback`, {
          body: { type: 4, data: { content: "again" } },
          auth: false,
        })
        .catch((e) => errors.push(e));
    });
    await fx.emulator.runCommand("ping", { channelId: fx.channel.id, userId: fx.member.id }).response();
    await vi.waitFor(() => expect(errors).toMatchObject([{ code: 40060, status: 400 }]));

    const late: unknown[] = [];
    fx.client.removeAllListeners("interactionCreate");
    onCommand(async (i) => {
      if (!i.isChatInputCommand()) return;
      fx.emulator.advanceClock(3_001);
      await i.reply("too late").catch((e) => late.push(e));
    });
    const handle = fx.emulator.runCommand("ping", { channelId: fx.channel.id, userId: fx.member.id });
    await vi.waitFor(() => expect(late).toMatchObject([{ code: 10062, status: 404 }]));
    await expect(handle.response()).rejects.toThrow(/did not respond/);
  });

  it("follow-ups with a token older than 15 minutes fail with Invalid Webhook Token (50027)", async () => {
    const errors: unknown[] = [];
    onCommand(async (i) => {
      if (!i.isChatInputCommand()) return;
      await i.deferReply();
      fx.emulator.advanceClock(15 * 60_000 + 1);
      await i.editReply("late").catch((e) => errors.push(e));
    });
    fx.emulator.runCommand("ping", { channelId: fx.channel.id, userId: fx.member.id });
    await vi.waitFor(() => expect(errors).toMatchObject([{ code: 50027, status: 401 }]));
  });

  it("an invalid reply is a DiscordAPIError 50035 whose path starts at data", async () => {
    const errors: unknown[] = [];
    onCommand(async (i) => {
      if (!i.isChatInputCommand()) return;
      await i.reply({ embeds: [{ title: "t".repeat(300) }] }).catch((e) => errors.push(e));
    });
    fx.emulator.runCommand("ping", { channelId: fx.channel.id, userId: fx.member.id });
    await vi.waitFor(() => expect(errors).toHaveLength(1));
    expect(errors[0]).toMatchObject({ code: 50035 });
    expect((errors[0] as Error).message).toContain("data.embeds[0].title[BASE_TYPE_MAX_LENGTH]");
  });

  it("subcommands arrive with their options nested, as discord.js reads them", async () => {
    onCommand(async (i) => {
      if (!i.isChatInputCommand()) return;
      await i.reply(`${i.options.getSubcommand()}:${i.options.getString("topic", true)}`);
    });
    const handle = fx.emulator.runCommand("subscribe", {
      channelId: fx.channel.id,
      userId: fx.member.id,
      subcommand: "add",
      options: { topic: "ai-hardware" },
    });
    expect((await handle.response()).content).toBe("add:ai-hardware");
  });

  it("with enforceDefaultMemberPermissions, members lacking a command's default permissions cannot run it", async () => {
    await fx.close();
    fx = await startFixture({ emulator: { enforceDefaultMemberPermissions: true } });
    await fx.client.application.commands.set(COMMANDS, fx.guild.id);
    await fx.client.application.commands.create(
      { name: "admin", description: "Admins only", defaultMemberPermissions: PermissionFlagsBits.ManageChannels },
      fx.guild.id,
    );
    expect(() => fx.emulator.runCommand("admin", { channelId: fx.channel.id, userId: fx.member.id })).toThrow(
      /cannot use \/admin/,
    );
    const mods = fx.emulator.createRole(fx.guild.id, { name: "mods", permissions: PermissionFlagsBits.ManageChannels });
    const mod = fx.emulator.createMember(fx.guild.id, { username: "mod", roleIds: [mods] });
    onCommand(async (i) => {
      if (i.isChatInputCommand()) await i.reply("ok");
    });
    expect(
      (await fx.emulator.runCommand("admin", { channelId: fx.channel.id, userId: mod.id }).response()).content,
    ).toBe("ok");
  });

  it("by default the interaction is delivered anyway (a server admin may have granted the command)", async () => {
    await fx.client.application.commands.create(
      { name: "admin", description: "Admins only", defaultMemberPermissions: PermissionFlagsBits.ManageChannels },
      fx.guild.id,
    );
    onCommand(async (i) => {
      if (i.isChatInputCommand()) await i.reply(i.memberPermissions?.has("ManageChannels") ? "ok" : "refused");
    });
    const handle = fx.emulator.runCommand("admin", { channelId: fx.channel.id, userId: fx.member.id });
    expect((await handle.response()).content).toBe("refused");
  });

  it("refuses to run a command the bot never registered", () => {
    expect(() => fx.emulator.runCommand("unknown", { channelId: fx.channel.id, userId: fx.member.id })).toThrow(
      /not registered/,
    );
  });

  it("channel options resolve threads and announcement channels too", async () => {
    const news = fx.emulator.createChannel(fx.guild.id, { name: "announcements", type: ChannelType.GuildAnnouncement });
    let type: number | undefined;
    onCommand(async (i) => {
      if (!i.isChatInputCommand()) return;
      type = i.options.getChannel("where")?.type;
      await i.reply("ok");
    });
    await fx.emulator
      .runCommand("news", { channelId: fx.channel.id, userId: fx.member.id, options: { where: news.id } })
      .response();
    expect(type).toBe(ChannelType.GuildAnnouncement);
  });
});
