import { PassThrough, Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli.js";

async function group(input: string, args: string[] = []) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (c) => (out += c));
  stderr.on("data", (c) => (err += c));
  const code = await runCli(["group", ...args], {
    stdin: Readable.from([input]),
    stdout,
    stderr,
    env: {},
  });
  return {
    code,
    out,
    err,
    rows:
      out.trim() === ""
        ? []
        : out
            .trim()
            .split("\n")
            .map((l) => JSON.parse(l)),
  };
}

const line = (o: Record<string, unknown>) => JSON.stringify(o);

describe("newsdesk group", () => {
  it("writes one {id, story} line per article, grouping rewrites across outlets", async () => {
    const input = [
      line({
        id: "1",
        title: "Crypto miners turn GPU farms into AI data centers",
        excerpt: "Hut 8 is renting Nvidia H100 clusters to AI startups.",
        url: "https://techspot.com/miners",
        source: "TechSpot",
        publishedAt: "2026-01-12T08:00:00Z",
      }),
      line({
        id: "2",
        title: "Hut 8 pivots its GPU farms to AI with H100 deal",
        excerpt: "The bitcoin miner will host Nvidia H100 GPUs for AI companies.",
        url: "https://decrypt.co/hut8",
        provider: { name: "Decrypt", domain: "decrypt.co" },
        publishedAt: "2026-01-12T09:00:00Z",
      }),
      line({ id: "3", title: "Mozilla ships Firefox 150 with vertical tabs", url: "https://mozilla.org/150" }),
      line({ id: "4", title: "A different headline, same URL", url: "https://techspot.com/miners" }),
    ].join("\n");
    const { code, rows, err } = await group(input);
    expect(err).toBe("");
    expect(code).toBe(0);
    expect(rows).toEqual([
      { id: "1", story: "1" },
      { id: "2", story: "1" },
      { id: "3", story: "3" },
      { id: "4", story: "1" },
    ]);
  });

  it("reports malformed lines with their line numbers on stderr, skips them and goes on", async () => {
    const input = [
      line({ id: "a", title: "Valve ships the Steam Machine", url: "https://a.com/1" }),
      "{not json",
      "[1, 2]",
      line({ id: "b", excerpt: "no title, no url" }),
      line({ id: "c", title: "Steam Machine review", publishedAt: "yesterday-ish" }),
      "",
      line({ id: "d", title: "Firefox 150 released", url: "https://b.com/2" }),
    ].join("\n");
    const { code, rows, err } = await group(input);
    expect(rows.map((r: { id: string }) => r.id)).toEqual(["a", "d"]);
    expect(err).toMatch(/line 2: not JSON/);
    expect(err).toMatch(/line 3: not a JSON object/);
    expect(err).toMatch(/line 4: neither a title nor a url/);
    expect(err).toMatch(/line 5: publishedAt "yesterday-ish" is not a date/);
    expect(err).not.toMatch(/line [167]:/);
    expect(code).toBe(1);
  });

  it("honours --window and rejects a bad one", async () => {
    const a = line({ id: "x", title: "Raspberry Pi 6 announced", publishedAt: "2026-01-12T00:00:00Z" });
    const b = line({ id: "y", title: "Raspberry Pi 6 announced", publishedAt: "2026-01-13T00:00:00Z" });
    expect((await group(`${a}\n${b}`)).rows[1]).toEqual({ id: "y", story: "x" });
    expect((await group(`${a}\n${b}`, ["--window", "12h"])).rows[1]).toEqual({ id: "y", story: "y" });
    const bad = await group(a, ["--window", "soon"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--window "soon" is not a duration/);
  });
});
