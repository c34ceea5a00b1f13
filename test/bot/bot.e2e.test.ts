import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Harness } from "./harness.js";

const MINERS = {
  techspot: {
    guid: "ts-1",
    title: "Bitcoin miners Hut 8 and Core Scientific turn GPU farms into AI data centres",
    link: "https://www.techspot.com/news/hut-8-core-scientific-ai.html?utm_source=rss",
    description:
      "Hut 8 and Core Scientific are converting bitcoin mining sites and GPU farms into AI data centres, leasing H100 capacity to cloud customers.",
  },
  decrypt: {
    guid: "dc-1",
    title: "Hut 8, Core Scientific pivot bitcoin mining GPU farms to AI data centers",
    link: "https://decrypt.co/hut-8-core-scientific-pivot",
    description:
      "Bitcoin miners Hut 8 and Core Scientific are pivoting GPU farms and mining sites to AI data centers with H100 capacity for cloud customers.",
  },
  pcgamer: {
    guid: "pg-1",
    title: "Crypto miners like Hut 8 and Core Scientific are turning their GPU farms into AI data centres",
    link: "https://www.pcgamer.com/hardware/hut-8-ai-data-centres/",
    description:
      "Hut 8 and Core Scientific, once bitcoin miners, now turn their GPU farms into AI data centres renting H100 capacity.",
  },
};

describe("the bot, end to end (feed server → poller → stories → outbox → discord.js → emulator)", () => {
  let h: Harness;

  beforeAll(async () => {
    h = await Harness.start();
    h.setItems("techspot", [
      { guid: "old-1", title: "An older GPU review already in the feed", link: "https://www.techspot.com/review/old/" },
    ]);
    await h.startApp();
  });
  afterAll(async () => {
    await h?.close();
  });

  it("subscribes a channel for an admin and refuses a member without Manage Channels", async () => {
    const denied = await h.discord
      .runCommand("subscribe", {
        channelId: h.channels["ai-news"]!,
        userId: h.member,
        options: { topic: "ai-hardware" },
      })
      .response();
    expect(denied.content).toContain("Manage Channels");
    expect(denied.ephemeral).toBe(true);

    const ok = await h.discord
      .runCommand("subscribe", {
        channelId: h.channels["ai-news"]!,
        userId: h.admin,
        options: { topic: "ai-hardware" },
      })
      .response();
    expect(ok.content).toContain("now receives **AI Hardware** stories");
    expect(ok.content).toContain("/unsubscribe topic:ai-hardware");

    const again = await h.discord
      .runCommand("subscribe", {
        channelId: h.channels["ai-news"]!,
        userId: h.admin,
        options: { topic: "ai-hardware" },
      })
      .response();
    expect(again.content).toContain("already receives");

    for (const [channel, topic] of [
      ["ai-news", "hardware"],
      ["hw-news", "ai-hardware"],
      ["sec-news", "security"],
    ] as const) {
      await h.discord
        .runCommand("subscribe", { channelId: h.channels[channel]!, userId: h.admin, options: { topic } })
        .response();
    }
    const list = await h.discord
      .runCommand("subscriptions", { channelId: h.channels.general!, userId: h.member })
      .response();
    expect(list.content).toContain(`<#${h.channels["ai-news"]}>: AI Hardware, Hardware`);
    expect(list.content).toContain(`<#${h.channels["sec-news"]}>: Security`);
  });

  it("an unknown topic gets a clear error listing close matches", async () => {
    const reply = await h.discord
      .runCommand("news", { channelId: h.channels.general!, userId: h.member, options: { topic: "ai-hardwre" } })
      .response();
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toContain("Unknown topic");
    expect(reply.content).toContain("`ai-hardware`");
  });

  it("seeds on the first poll: what feeds already hold is not posted", async () => {
    await h.app!.pollOnce();
    await h.settle();
    expect(h.posts("ai-news")).toHaveLength(0);
  });

  it("posts a new story once per subscribed channel, even where two of its topics match", async () => {
    h.addItem("techspot", MINERS.techspot);
    await h.app!.pollOnce();
    await h.settle();
    expect(h.posts("ai-news")).toHaveLength(1);
    expect(h.posts("hw-news")).toHaveLength(1);
    expect(h.posts("sec-news")).toHaveLength(0);
    const [post] = h.posts("ai-news");
    const embed = post!.embeds[0]!;
    expect(embed.title).toBe(MINERS.techspot.title);
    expect(embed.url).toBe("https://techspot.com/news/hut-8-core-scientific-ai.html");
    expect(embed.author?.name).toBe("TECHSPOT");
    expect(embed.footer?.text).toContain("1 outlet · react 🔗 for related coverage");
    expect(post!.allowedMentions).toEqual({ parse: [] });
  });

  it("edits the same message when a second outlet covers the story, never posting again", async () => {
    h.addItem("decrypt", MINERS.decrypt);
    await h.app!.pollOnce();
    await h.settle();
    for (const channel of ["ai-news", "hw-news"]) {
      const posts = h.posts(channel);
      expect(posts).toHaveLength(1);
      expect(posts[0]!.edits.length).toBeGreaterThanOrEqual(1);
      expect(posts[0]!.embeds[0]!.description).toContain("+1 more source");
      expect(posts[0]!.embeds[0]!.footer?.text).toContain("2 outlets");
    }
  });

  it("answers a 🔗 reaction with a thread listing the related coverage, once", async () => {
    const [post] = h.posts("ai-news");
    h.discord.addReaction(h.channels["ai-news"]!, post!.id, h.member, "🔗");
    const threadId = await waitFor(() => h.discord.message(post!.id)?.threadId ?? null);
    const answer = await h.discord.waitForMessage(threadId, () => true, 5_000);
    const text = answer.embeds[0]!.description!;
    expect(text.split("\n")).toHaveLength(2);
    expect(text.split("\n")[0]).toContain("**TECHSPOT**");
    expect(text).toContain(
      "[Hut 8, Core Scientific pivot bitcoin mining GPU farms to AI data centers](https://decrypt.co/hut-8-core-scientific-pivot)",
    );
    expect(answer.allowedMentions).toEqual({ parse: [] });

    // Another member's reaction (and a second one by the same member) does not answer again.
    const other = h.discord.createMember(h.guildId, { username: "other" }).id;
    h.discord.addReaction(h.channels["ai-news"]!, post!.id, other, "🔗");
    h.discord.addReaction(h.channels["ai-news"]!, post!.id, h.member, "👍");
    await new Promise((r) => setTimeout(r, 200));
    expect(h.discord.messages(threadId)).toHaveLength(1);
  });

  it("edits the post and the related answer when a third outlet arrives", async () => {
    h.addItem("pcgamer", MINERS.pcgamer);
    await h.app!.pollOnce();
    await h.settle();
    const [post] = h.posts("ai-news");
    expect(h.posts("ai-news")).toHaveLength(1);
    expect(post!.embeds[0]!.description).toContain("+2 more sources");
    const threadId = h.discord.message(post!.id)!.threadId!;
    const [answer] = h.discord.messages(threadId);
    expect(answer!.embeds[0]!.description!.split("\n")).toHaveLength(3);
  });

  it("/news lists the topic's latest stories with their outlet count", async () => {
    const reply = await h.discord
      .runCommand("news", { channelId: h.channels.general!, userId: h.member, options: { topic: "ai-hardware" } })
      .response();
    expect(reply.embeds).toHaveLength(1);
    expect(reply.embeds[0]!.footer?.text).toContain("3 outlets");
    const empty = await h.discord
      .runCommand("news", { channelId: h.channels.general!, userId: h.member, options: { topic: "security" } })
      .response();
    expect(empty.content).toContain("No **Security** stories");
  });

  it("the Related coverage menu shows the list to the member who asked", async () => {
    const [post] = h.posts("hw-news");
    const reply = await h.discord
      .runMessageCommand("Related coverage", {
        channelId: h.channels["hw-news"]!,
        userId: h.member,
        messageId: post!.id,
      })
      .response();
    expect(reply.ephemeral).toBe(true);
    expect(reply.embeds[0]!.description!.split("\n")).toHaveLength(3);
  });

  it("reactions keep working after a restart (uncached message, state from the store)", async () => {
    await h.stopApp();
    await h.startApp();
    const [post] = h.posts("hw-news");
    h.discord.addReaction(h.channels["hw-news"]!, post!.id, h.member, "🔗");
    await h.discord.waitForRequest(
      (r) => r.method === "POST" && r.path.endsWith(`/messages/${post!.id}/threads`),
      5_000,
    );
    const threadId = await waitFor(() => h.discord.message(post!.id)?.threadId ?? null);
    const answer = await h.discord.waitForMessage(threadId, () => true, 5_000);
    expect(answer.embeds[0]!.description!.split("\n")).toHaveLength(3);
  });

  it("a 🔗 answer being written when the bot stops keeps its record across the restart", async () => {
    h.addItem("decrypt", {
      guid: "dc-ransom",
      title: "Ransomware gang hits a chip packaging plant in Penang",
      link: "https://decrypt.co/ransomware-penang-plant",
      description: "A ransomware attack halted a chip packaging plant in Penang for two days.",
    });
    await h.app!.pollOnce();
    await h.settle();
    const [post] = h.posts("sec-news");
    expect(post).toBeDefined();
    // A member who has not reacted lately (reactions of one member are rate-limited).
    const reader = h.discord.createMember(h.guildId, { username: "reader" }).id;
    h.discord.addReaction(h.channels["sec-news"]!, post!.id, reader, "🔗");
    const threadId = await waitFor(() => h.discord.message(post!.id)?.threadId ?? null);
    const answer = await h.discord.waitForMessage(threadId, () => true, 5_000);
    // Stop the moment the answer is visible: its record is written just after, and must not be lost,
    // or the next growth of the story could not edit the answer and a later 🔗 would answer again.
    await h.stopApp();
    await h.startApp();
    const record = await h.app!.posts.byMessageId(post!.id);
    expect(record?.related?.messageId).toBe(answer.id);
  });

  it("unsubscribes a channel that is deleted under the bot", async () => {
    h.discord.deleteChannel(h.channels["sec-news"]!);
    await waitFor(async () => ((await h.app!.subscriptions.get(h.channels["sec-news"]!)) ? null : true));
    expect(await h.app!.subscriptions.get(h.channels["sec-news"]!)).toBeUndefined();
  });
});

async function waitFor<T>(probe: () => T | null | Promise<T | null>, timeoutMs = 5_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const value = await probe();
    if (value !== null && value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error("condition not met in time");
}
