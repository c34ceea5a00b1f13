import type { ChildProcess } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { startBot, startProcessWorld, until } from "./process-harness.js";

const CHANNELS = 60;

describe("the bot process: crashes and shutdowns lose nothing and post nothing twice", () => {
  let world: Awaited<ReturnType<typeof startProcessWorld>>;
  const children: ChildProcess[] = [];

  afterEach(async () => {
    for (const c of children.splice(0)) c.kill("SIGKILL");
    await world?.close();
  });

  const exited = (child: ChildProcess) =>
    new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));

  /** Starts the bot on a fresh world and lets it post to a few channels, far from all of them. */
  async function midFanOut() {
    world = await startProcessWorld(CHANNELS);
    const bot = startBot(world.env);
    children.push(bot);
    await until(() => world.posted().filter((n) => n > 0).length >= 8, 20_000, "the first posts");
    return bot;
  }

  /** Restarts the bot, waits until every channel has the story, stops it: each channel must have it once. */
  async function restartAndCheckEachChannelOnce() {
    expect(world.posted().filter((n) => n > 0).length).toBeLessThan(CHANNELS);
    const bot = startBot(world.env);
    children.push(bot);
    await until(() => world.posted().every((n) => n > 0), 30_000, "every channel to get the story");
    // Give a duplicate, if any, the time to appear before judging.
    await new Promise((r) => setTimeout(r, 1_500));
    bot.kill("SIGTERM");
    expect(await exited(bot)).toBe(0);
    expect(world.posted()).toEqual(world.channelIds.map(() => 1));
  }

  it("kill -9 during a fan-out, then restart: the story exactly once in every channel", async () => {
    const bot = await midFanOut();
    bot.kill("SIGKILL");
    await exited(bot);
    await restartAndCheckEachChannelOnce();
  }, 60_000);

  it("SIGTERM during a fan-out exits cleanly and quickly; the rest is delivered after a restart", async () => {
    const bot = await midFanOut();
    const asked = Date.now();
    bot.kill("SIGTERM");
    expect(await exited(bot)).toBe(0);
    expect(Date.now() - asked).toBeLessThan(15_000);
    expect(bot.stderrText()).toContain("stopped");
    await restartAndCheckEachChannelOnce();
  }, 60_000);
});
