import { PermissionFlagsBits } from "discord.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AI_HARDWARE_HEADLINES } from "../stories/ai-hardware-headlines.js";
import { Harness } from "./harness.js";

async function subscribe(h: Harness, channel: string, topic: string) {
  return h.discord
    .runCommand("subscribe", { channelId: h.channels[channel]!, userId: h.admin, options: { topic } })
    .response();
}

const story = (n: number) => ({
  guid: `s-${n}`,
  title: AI_HARDWARE_HEADLINES[n - 1]![0],
  link: `https://www.techspot.com/news/story-${n}.html`,
  description: AI_HARDWARE_HEADLINES[n - 1]![1],
});

describe("the bot under Discord faults and hostile feeds", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await Harness.start();
    await h.startApp();
    await subscribe(h, "ai-news", "ai-hardware");
    await subscribe(h, "hw-news", "ai-hardware");
    await subscribe(h, "general", "hardware");
    await h.app!.pollOnce(); // first poll seeds
  });
  afterEach(async () => {
    await h?.close();
  });

  it("delivers everything exactly once through a 429 storm and a run of 5xx", async () => {
    h.discord.rateLimitStorm({ count: 15, routes: ["POST /channels/:channel_id/messages"], retryAfterMs: 50 });
    h.discord.failNext(8, 502, ["POST /channels/:channel_id/messages"]);
    for (let n = 1; n <= 4; n++) h.addItem("techspot", story(n));
    await h.app!.pollOnce();
    await h.settle(15_000);
    const expected: Record<string, string[]> = {
      "ai-news": [1, 2, 3, 4].map((n) => story(n).title),
      "hw-news": [1, 2, 3, 4].map((n) => story(n).title),
      // "hardware" is tagged by the GPU keyword only, in the title or the excerpt.
      general: [1, 2, 3, 4]
        .map(story)
        .filter((s) => `${s.title} ${s.description}`.includes("GPU"))
        .map((s) => s.title),
    };
    for (const [channel, titles] of Object.entries(expected)) {
      const posted = h.posts(channel).map((m) => m.embeds[0]!.title);
      expect(posted.sort(), `${channel}: ${JSON.stringify(posted)}`).toEqual([...titles].sort());
    }
    const stats = h.discord.stats();
    expect(stats.rateLimited.injected).toBeGreaterThan(0);
    expect(stats.injectedServerErrors).toBeGreaterThan(0);
  });

  it("keeps hostile feed text from pinging anyone or breaking a limit", async () => {
    const roleId = h.discord.createRole(h.guildId, { name: "mods" });
    h.addItem("techspot", {
      guid: "evil-1",
      title: `@everyone <@&${roleId}> <@${h.admin}> **GPU** ||leak|| [prize](https://evil.example) ${"H100 ".repeat(2_000)}`,
      link: "https://www.techspot.com/news/evil.html",
      description: `@here ${"`code` ".repeat(500)} <script>alert(1)</script> GPU`,
    });
    await h.app!.pollOnce();
    await h.settle();
    const [post] = h.posts("ai-news");
    expect(post).toBeDefined();
    expect(post!.embeds[0]!.title!.length).toBeLessThanOrEqual(256);
    const sent = h.discord.requests.filter((r) => r.method !== "GET" && r.body && typeof r.body === "object");
    expect(sent.length).toBeGreaterThan(0);
    for (const r of sent) {
      expect(r.status, `${r.method} ${r.path}`).toBeLessThan(400);
      const body = r.body as { allowed_mentions?: unknown; content?: string };
      if (r.path.includes("/messages") || r.path.includes("/callback")) {
        const mentions =
          body.allowed_mentions ?? (body as { data?: { allowed_mentions?: unknown } }).data?.allowed_mentions;
        expect(mentions, `${r.method} ${r.path}`).toEqual({ parse: [] });
      }
    }
    expect(JSON.stringify(post!.embeds)).not.toMatch(/@everyone|@here|<@&\d+>|<@\d+>/);
  });

  it("refuses to subscribe where it cannot post embeds, naming the permission", async () => {
    h.discord.setBotChannelPermissions(h.channels["sec-news"]!, { deny: PermissionFlagsBits.EmbedLinks });
    await new Promise((r) => setTimeout(r, 50));
    const reply = await subscribe(h, "sec-news", "security");
    expect(reply.content).toContain("missing permission: Embed Links");
    expect(await h.app!.subscriptions.get(h.channels["sec-news"]!)).toBeUndefined();
  });

  it("pauses a subscription when its permission is taken away, and says why in /subscriptions", async () => {
    h.discord.setBotChannelPermissions(h.channels["hw-news"]!, { deny: PermissionFlagsBits.SendMessages });
    await new Promise((r) => setTimeout(r, 50));
    h.addItem("techspot", story(5));
    await h.app!.pollOnce();
    await h.settle();
    expect(h.posts("ai-news")).toHaveLength(1);
    expect(h.posts("hw-news")).toHaveLength(0);
    const sub = await h.app!.subscriptions.get(h.channels["hw-news"]!);
    expect(sub?.status).toBe("paused");
    const list = await h.discord
      .runCommand("subscriptions", { channelId: h.channels.general!, userId: h.admin })
      .response();
    expect(list.content).toMatch(/paused: .*Send Messages/);
  });
});
