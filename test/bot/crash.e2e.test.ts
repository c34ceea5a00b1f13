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

  it("kill -9 during a fan-out, then restart: the story exactly once in every channel", async () => {
    world = await startProcessWorld(CHANNELS);
    const first = startBot(world.env);
    children.push(first);
    // Kill it mid-fan-out: some channels have the story, most do not yet.
    await until(() => world.posted().filter((n) => n > 0).length >= 8, 20_000, "the first posts");
    first.kill("SIGKILL");
    await exited(first);
    expect(world.posted().filter((n) => n > 0).length).toBeLessThan(CHANNELS);

    const second = startBot(world.env);
    children.push(second);
    await until(() => world.posted().every((n) => n > 0), 30_000, "every channel to get the story");
    // Give a duplicate, if any, the time to appear before judging.
    await new Promise((r) => setTimeout(r, 1_500));
    second.kill("SIGTERM");
    await exited(second);
    expect(world.posted()).toEqual(world.channelIds.map(() => 1));
  }, 60_000);

  it("SIGTERM during a fan-out exits cleanly and quickly; the rest is delivered after a restart", async () => {
    world = await startProcessWorld(CHANNELS);
    const first = startBot(world.env);
    children.push(first);
    await until(() => world.posted().filter((n) => n > 0).length >= 8, 20_000, "the first posts");
    const asked = Date.now();
    first.kill("SIGTERM");
    const code = await exited(first);
    expect(code).toBe(0);
    expect(Date.now() - asked).toBeLessThan(15_000);
    expect(first.stderrText()).toContain("stopped");
    expect(world.posted().filter((n) => n > 0).length).toBeLessThan(CHANNELS);

    const second = startBot(world.env);
    children.push(second);
    await until(() => world.posted().every((n) => n > 0), 30_000, "every channel to get the story");
    await new Promise((r) => setTimeout(r, 1_500));
    second.kill("SIGTERM");
    expect(await exited(second)).toBe(0);
    expect(world.posted()).toEqual(world.channelIds.map(() => 1));
  }, 60_000);
});
