import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";

/** `npm start` from source, in a clean folder (no .env there) with only the given environment. */
function start(env: Record<string, string>) {
  const cwd = mkdtempSync(path.join(tmpdir(), "newsdesk-start-"));
  const result = spawnSync(
    process.execPath,
    ["--import", pathToFileURL(path.resolve("node_modules/tsx/dist/loader.mjs")).href, path.resolve("src/main.ts")],
    {
      cwd,
      env: { PATH: process.env.PATH ?? "", CONFIG_DIR: path.resolve("config"), ...env },
      encoding: "utf8",
      timeout: 30_000,
    },
  );
  return { code: result.status, stderr: result.stderr };
}

describe("npm start refuses clearly what it cannot run with", () => {
  it("without DISCORD_TOKEN: says how to get one and that the demo needs none", () => {
    const { code, stderr } = start({});
    expect(code).toBe(2);
    expect(stderr).toContain("DISCORD_TOKEN is not set");
    expect(stderr).toContain("discord.com/developers/applications");
    expect(stderr).toContain("npm run demo");
  });

  it("with a bad variable: names it and how to fix it, no stack trace", () => {
    const { code, stderr } = start({ DISCORD_TOKEN: "x", STORE_URL: "mysql://db" });
    expect(code).toBe(2);
    expect(stderr).toMatch(/STORE_URL: must start with sqlite:\/\//);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it("with a store it cannot reach: one line naming the URL, password masked", () => {
    const { code, stderr } = start({ DISCORD_TOKEN: "x", STORE_URL: "postgres://bot:s3cret@127.0.0.1:1/newsdesk" });
    expect(code).toBe(1);
    expect(stderr).toContain("postgres://bot:***@127.0.0.1:1/newsdesk");
    expect(stderr).not.toContain("s3cret");
    expect(
      stderr
        .trim()
        .split("\n")
        .filter((l) => !l.startsWith("{")),
    ).toHaveLength(1);
  });
});
