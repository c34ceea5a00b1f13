import { PermissionFlagsBits } from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Harness } from "./harness.js";

describe("commands and reactions, the less travelled paths", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.start();
    await h.startApp();
    await h.app!.pollOnce();
  });
  afterAll(async () => {
    await h?.close();
  });

  const run = (name: string, channel: string, user: string, options: Record<string, string | number> = {}) =>
    h.discord.runCommand(name, { channelId: h.channels[channel]!, userId: user, options }).response();

  it("autocompletes topics from what was typed", async () => {
    const choices = await h.discord
      .autocomplete("subscribe", {
        channelId: h.channels.general!,
        userId: h.admin,
        focused: "topic",
        options: { topic: "sec" },
      })
      .choices();
    expect(choices).toEqual([{ name: "Security (security)", value: "security" }]);
    const all = await h.discord
      .autocomplete("news", {
        channelId: h.channels.general!,
        userId: h.member,
        focused: "topic",
        options: { topic: "" },
      })
      .choices();
    expect(all.map((c) => c.value)).toEqual(["ai-hardware", "hardware", "security"]);
  });

  it("/topics lists every topic with its description", async () => {
    const reply = await run("topics", "general", h.member);
    expect(reply.embeds[0]!.description).toContain(
      "**AI Hardware** (`ai-hardware`): Accelerators and the data centres that run AI",
    );
    expect(reply.embeds[0]!.description).toContain("**Security** (`security`)");
  });

  it("/feeds is for Manage Server, and shows each feed's health", async () => {
    const denied = await run("feeds", "general", h.member);
    expect(denied.content).toContain("Manage Server");
    h.feeds.set("/pcgamer.xml", { status: 503, headers: { "retry-after": "120" } });
    await h.app!.pollOnce();
    const reply = await run("feeds", "general", h.admin);
    const text = reply.embeds[0]!.description!;
    expect(text).toMatch(/🟢 2 ok · 🟠 1 failing/);
    expect(text).toMatch(/🟠 \*\*PCGAMER\*\* \(`pcgamer`\).*1× http_status/);
  });

  it("/unsubscribe stops a topic and says what is left", async () => {
    await run("subscribe", "general", h.admin, { topic: "security" });
    await run("subscribe", "general", h.admin, { topic: "hardware" });
    const reply = await run("unsubscribe", "general", h.admin, { topic: "security" });
    expect(reply.content).toContain("no longer receives **Security** stories. Still subscribed: hardware.");
    const again = await run("unsubscribe", "general", h.admin, { topic: "security" });
    expect(again.content).toContain("was not subscribed to **Security**");
    const denied = await run("unsubscribe", "general", h.member, { topic: "hardware" });
    expect(denied.content).toContain("Manage Channels");
  });

  it("answers 🔗 with a reply where threads are not allowed, and ignores bots and other emoji", async () => {
    h.discord.setBotChannelPermissions(h.channels["hw-news"]!, { deny: PermissionFlagsBits.CreatePublicThreads });
    await run("subscribe", "hw-news", h.admin, { topic: "hardware" });
    h.addItem("techspot", {
      guid: "t1",
      title: "AMD Radeon GPU prices fall again",
      link: "https://www.techspot.com/news/radeon.html",
    });
    await h.app!.pollOnce();
    await h.settle();
    const [post] = h.posts("hw-news");
    expect(post).toBeDefined();
    const botMember = h.discord.createMember(h.guildId, { username: "otherbot" });
    h.discord.world.users.get(botMember.id)!.bot = true;
    h.discord.addReaction(h.channels["hw-news"]!, post!.id, botMember.id, "🔗");
    h.discord.addReaction(h.channels["hw-news"]!, post!.id, h.member, "🎉");
    await new Promise((r) => setTimeout(r, 200));
    const botId = h.discord.botUser.id;
    const replies = () =>
      h.discord.messages(h.channels["hw-news"]!).filter((m) => m.authorId === botId && m.messageReference);
    expect(replies()).toHaveLength(0);

    h.discord.addReaction(h.channels["hw-news"]!, post!.id, h.member, "🔗");
    const reply = await h.discord.waitForMessage(h.channels["hw-news"]!, (m) => m.messageReference !== null, 5_000);
    expect(reply.messageReference?.message_id).toBe(post!.id);
    expect(reply.embeds[0]!.title).toContain("Related coverage: AMD Radeon GPU prices fall again");
  });

  it("forgets the subscriptions of a server that removed the bot", async () => {
    expect((await h.app!.subscriptions.forGuild(h.guildId)).length).toBeGreaterThan(0);
    h.discord.removeGuild(h.guildId);
    const until = Date.now() + 5_000;
    while (Date.now() < until && (await h.app!.subscriptions.forGuild(h.guildId)).length > 0) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(await h.app!.subscriptions.forGuild(h.guildId)).toEqual([]);
  });
});
