import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable, Writable } from "node:stream";
import { promisify } from "node:util";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { CliIo } from "../../src/cli/command.js";
import { runCli } from "../../src/cli.js";
import { type FeedServer, rssFeed, startFeedServer } from "./feed-server.js";

const run = promisify(execFile);
const ROOT = path.join(import.meta.dirname, "../..");
const FIXTURES = path.join(ROOT, "test/fixtures/feeds");
const fixture = (name: string) => path.join(FIXTURES, name);

function fakeIo(env: NodeJS.ProcessEnv = {}) {
  let stdout = "";
  let stderr = "";
  const sink = (append: (s: string) => void) =>
    new Writable({
      write(chunk, _enc, done) {
        append(String(chunk));
        done();
      },
    });
  const io: CliIo = {
    stdin: Readable.from([]),
    stdout: sink((s) => {
      stdout += s;
    }),
    stderr: sink((s) => {
      stderr += s;
    }),
    env: { LOG_LEVEL: "warn", ...env },
  };
  return { io, out: () => stdout, err: () => stderr };
}

async function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const { io, out, err } = fakeIo(env);
  const code = await runCli(args, io);
  return { code, stdout: out(), stderr: err() };
}

const jsonLines = (text: string) =>
  text
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

const tmp: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "newsdesk-feeds-cli-"));
  tmp.push(dir);
  return dir;
}
afterAll(() => {
  for (const d of tmp) rmSync(d, { recursive: true, force: true });
});

let server: FeedServer;
beforeAll(async () => {
  server = await startFeedServer();
});
afterAll(async () => {
  await server.close();
});

const TOPICS = `topics:
  - { slug: ai-hardware, name: AI hardware, description: Chips for AI, color: "#112233", keywords: [NPU, neural engine] }
  - { slug: security, name: Security, description: Security news, color: "#aa0000", keywords: [exploited, CVE] }
`;

function configDir(feeds: string): string {
  const dir = tempDir();
  writeFileSync(path.join(dir, "topics.yaml"), TOPICS);
  writeFileSync(path.join(dir, "feeds.yaml"), feeds);
  writeFileSync(path.join(dir, "settings.yaml"), "poll:\n  interval: 0s\n  timeout: 3s\n");
  return dir;
}

describe("newsdesk parse", () => {
  it("prints every item of every feed as JSON Lines, naming the feed argument", async () => {
    const { code, stdout, stderr } = await cli(["parse", fixture("rss2.xml"), fixture("atom.xml")]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const rows = jsonLines(stdout);
    expect(rows.map((r) => r.feed)).toEqual([
      fixture("rss2.xml"),
      fixture("rss2.xml"),
      fixture("rss2.xml"),
      fixture("atom.xml"),
      fixture("atom.xml"),
    ]);
    expect(rows[0]).toMatchObject({
      url: "https://bytecircuit.test/news/quasar-npu?id=7",
      title: 'Quasar Labs ships a 3 nm NPU for laptops — "finally"',
      provider: { name: "Byte & Circuit", domain: "bytecircuit.test" },
      topics: [],
      image: "https://cdn.bytecircuit.test/q3-hero.jpg",
    });
    for (const row of rows) {
      for (const field of ["id", "url", "title", "excerpt", "image", "provider", "publishedAt", "topics"]) {
        expect(row).toHaveProperty(field);
      }
    }
    // The Atom file's relative links resolve against its website link.
    expect(rows[3]?.url).toBe("https://latticekey.test/2026/01/patch-tuesday");
  });

  it("reports a feed that cannot be parsed on one stderr line, goes on, and exits 1", async () => {
    const { code, stdout, stderr } = await cli([
      "parse",
      fixture("invalid.xml"),
      fixture("rdf.xml"),
      fixture("bomb.xml"),
    ]);
    expect(code).toBe(1);
    expect(jsonLines(stdout)).toHaveLength(2);
    const lines = stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(
      `newsdesk parse: ${fixture("invalid.xml")}: parse: invalid XML: Unexpected close tag Line: 1 Column: 85 Char: >`,
    );
    expect(lines[1]).toMatch(new RegExp(`^newsdesk parse: ${fixture("bomb.xml")}: parse: .*entit`));
  });

  it("exits 2 for a path that does not exist, after parsing the others", async () => {
    const missing = path.join(FIXTURES, "no-such-feed.xml");
    const { code, stdout, stderr } = await cli(["parse", missing, fixture("rss091.xml")]);
    expect(code).toBe(2);
    expect(stderr).toBe(`newsdesk parse: ${missing}: no such file\n`);
    expect(jsonLines(stdout)).toHaveLength(1);
  });

  it("fetches URLs, and with --config applies the configured feed and topic rules", async () => {
    server.set("/cli-parse.xml", {
      body: rssFeed("Served", [
        {
          guid: "1",
          title: "A new NPU design",
          link: "https://served.test/npu",
          date: "Tue, 06 Jan 2026 09:00:00 GMT",
        },
      ]),
    });
    const url = server.url("/cli-parse.xml");
    const dir = configDir(
      `feeds:\n  - { id: served, url: "${url}", provider: Served Daily, topics: [security], quality: 77 }\n`,
    );
    const { code, stdout } = await cli(["parse", "--config", dir, url]);
    expect(code).toBe(0);
    expect(jsonLines(stdout)).toEqual([
      expect.objectContaining({
        feed: url,
        feedId: "served",
        provider: { name: "Served Daily", domain: "served.test" },
        topics: ["security", "ai-hardware"],
        quality: 77,
      }),
    ]);
    const failed = await cli(["parse", server.url("/missing.xml")]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toBe(`newsdesk parse: ${server.url("/missing.xml")}: http_status: HTTP 404 Not Found\n`);
  });

  it("handles a thousand small files in one run", async () => {
    const dir = tempDir();
    const files = Array.from({ length: 1000 }, (_, i) => {
      const file = path.join(dir, `feed-${i}.xml`);
      writeFileSync(
        file,
        rssFeed(`Feed ${i}`, [
          { guid: `${i}-a`, title: `Story ${i} A`, link: `https://f${i}.test/a` },
          { guid: `${i}-b`, title: `Story ${i} B`, link: `https://f${i}.test/b` },
        ]),
      );
      return file;
    });
    const { code, stdout, stderr } = await cli(["parse", ...files]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const rows = jsonLines(stdout);
    expect(rows).toHaveLength(2000);
    expect(rows[1998]?.feed).toBe(files[999]);
  });

  it("gives --help, and one line with exit 2 for unknown flags or no arguments", async () => {
    const help = await cli(["parse", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Usage: newsdesk parse");
    const unknown = await cli(["parse", "--frobnicate", fixture("rss2.xml")]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(unknown.stderr).toContain("--frobnicate");
    const none = await cli(["parse"]);
    expect(none.code).toBe(2);
    expect(none.stderr).toBe("newsdesk parse: give at least one feed FILE or URL\n");
    const missingConfig = await cli(["parse", "--config", path.join(FIXTURES, "nope"), fixture("rss2.xml")]);
    expect(missingConfig.code).toBe(2);
    expect(missingConfig.stderr).toContain("not found");
  });
});

describe("newsdesk poll and newsdesk feeds", () => {
  afterEach(() => {
    server.set("/cli-poll.xml", { status: 404 });
  });

  it("seeds on the first --once run, prints new articles on the next, and reports health", async () => {
    const now = Date.now();
    const items = [
      { guid: "p1", title: "First post", link: "https://poll.test/1", date: new Date(now - 3_600_000).toUTCString() },
    ];
    server.set("/cli-poll.xml", () => ({ body: rssFeed("Poll Feed", items) }));
    const dir = configDir(
      `feeds:\n  - { id: poll-feed, url: "${server.url("/cli-poll.xml")}", topics: [security] }\n  - { id: broken, url: "${server.url("/cli-broken.xml")}" }\n`,
    );
    const env = { CONFIG_DIR: dir, STORE_URL: `sqlite://${path.join(tempDir(), "state.sqlite")}` };

    const first = await cli(["poll", "--once"], env);
    expect(first.code).toBe(0);
    expect(first.stdout).toBe("");
    // The broken feed's failure is logged on stderr (JSON logs), naming it and why.
    expect(first.stderr).toMatch(/"feed":"broken".*HTTP 404/);

    items.unshift({
      guid: "p2",
      title: "A CVE exploited",
      link: "https://poll.test/2",
      date: new Date(now - 60_000).toUTCString(),
    });
    const second = await cli(["poll", "--once"], env);
    expect(second.code).toBe(0);
    expect(jsonLines(second.stdout)).toEqual([
      expect.objectContaining({
        title: "A CVE exploited",
        feedId: "poll-feed",
        provider: { name: "Poll Feed", domain: "poll.test" },
      }),
    ]);

    const table = await cli(["feeds"], env);
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^FEED\s+STATUS\s+LAST SUCCESS\s+FAILS\s+NEXT DUE\s+LAST ERROR$/);
    expect(lines[1]).toMatch(/^poll-feed\s+ok\s+\d{4}-\d\d-\d\d \d\d:\d\dZ\s+0\s/);
    // Failed once, then backed off (not due on the second run).
    expect(lines[2]).toMatch(/^broken\s+failing\s+-\s+1\s+\d{4}-.*http_status: HTTP 404 Not Found$/);

    const json = jsonLines((await cli(["feeds", "--json"], env)).stdout);
    expect(json[1]).toMatchObject({
      id: "broken",
      status: "failing",
      consecutiveFailures: 1,
      lastError: { kind: "http_status", status: 404 },
    });

    const enable = await cli(["feeds", "--enable", "nope"], env);
    expect(enable.code).toBe(2);
    expect(enable.stderr).toContain('no feed "nope"');
  });

  it("rejects a bad store URL and unknown flags with one line and exit 2", async () => {
    const dir = configDir(`feeds:\n  - { id: x, url: "${server.url("/x.xml")}" }\n`);
    const badStore = await cli(["poll", "--once", "--config", dir, "--store", "ftp://nowhere"]);
    expect(badStore.code).toBe(2);
    expect(badStore.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(badStore.stderr).toContain("unsupported store URL");
    const unknown = await cli(["feeds", "--colour"]);
    expect(unknown.code).toBe(2);
    expect((await cli(["poll", "--help"])).stdout).toContain("Usage: newsdesk poll");
    expect((await cli(["feeds", "--help"])).stdout).toContain("Usage: newsdesk feeds");
  });
});

describe("the built CLI in a child process", () => {
  // Compiled into node_modules/.cache so the project's node_modules resolve; removed afterwards.
  const out = path.join(ROOT, "node_modules/.cache", `newsdesk-feeds-cli-${process.pid}`);
  beforeAll(async () => {
    await run(
      process.execPath,
      [path.join(ROOT, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json", "--outDir", out],
      {
        cwd: ROOT,
      },
    ).catch(() => undefined); // type errors elsewhere in the tree still emit JavaScript
    mkdirSync(out, { recursive: true });
    writeFileSync(path.join(out, "package.json"), '{ "type": "module" }\n');
  }, 120_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it("parses feeds and, across two processes over one store, never prints an article twice", async () => {
    const cliJs = path.join(out, "src/cli.js");
    const parsed = await run(process.execPath, [cliJs, "parse", fixture("latin1.xml")], { cwd: ROOT });
    expect(jsonLines(parsed.stdout)).toEqual([
      expect.objectContaining({ title: "Un naïf déçu par la fibre à Besançon" }),
    ]);

    const now = Date.now();
    const items = [
      { guid: "c1", title: "Child one", link: "https://child.test/1", date: new Date(now - 60_000).toUTCString() },
    ];
    server.set("/child.xml", () => ({ body: rssFeed("Child", items) }));
    const dir = configDir(`feeds:\n  - { id: child, url: "${server.url("/child.xml")}" }\n`);
    const env = {
      ...process.env,
      CONFIG_DIR: dir,
      STORE_URL: `sqlite://${path.join(tempDir(), "s.sqlite")}`,
      LOG_LEVEL: "warn",
    };
    const poll = async () => (await run(process.execPath, [cliJs, "poll", "--once"], { cwd: ROOT, env })).stdout;

    expect(await poll()).toBe("");
    items.unshift({
      guid: "c2",
      title: "Child two",
      link: "https://child.test/2",
      date: new Date(now - 30_000).toUTCString(),
    });
    expect(jsonLines(await poll()).map((a) => a.title)).toEqual(["Child two"]);
    expect(await poll()).toBe("");

    const failed = await run(process.execPath, [cliJs, "parse", "--nope"], { cwd: ROOT }).catch((e) => e);
    expect(failed.code).toBe(2);
  }, 60_000);

  it("parses in worker threads: same results as in-process, bad documents and overlong jobs fail only their feed", async () => {
    // Worker threads need the built JavaScript, so this imports the compiled pool.
    const { ParsePool } = (await import(
      path.join(out, "src/feeds/parse-pool.js")
    )) as typeof import("../../src/feeds/parse-pool.js");
    const topics = [
      { slug: "ai-hardware", name: "AI hardware", description: "d", color: 1, keywords: ["NPU"], allow: [], block: [] },
    ];
    const job = (file: string) => ({
      body: readFileSync(fixture(file)),
      contentType: null,
      feedId: "f",
      baseUrl: "https://feeds.example.test/feed.xml",
      quality: 50,
      defaultTopics: [],
      known: null,
      normalize: true,
      nowMs: Date.parse("2026-01-07T00:00:00Z"),
    });
    const pool = new ParsePool(2, topics);
    const inProcess = new ParsePool(0, topics);
    try {
      const [inWorker, local] = await Promise.all([pool.run(job("rss2.xml")), inProcess.run(job("rss2.xml"))]);
      expect(inWorker).toEqual(local);
      expect(inWorker.fresh[0]?.topics).toEqual(["ai-hardware"]);
      await expect(pool.run(job("bomb.xml"))).rejects.toMatchObject({ kind: "parse" });
      // The pool still works after a failed job.
      expect((await pool.run(job("rdf.xml"))).fresh).toHaveLength(2);
      // A small body shares Node's buffer pool with other buffers: handing it over must leave them intact.
      const small = Buffer.from(readFileSync(fixture("rss091.xml"), "utf8"));
      const neighbour = Buffer.from("still readable");
      expect(small.byteLength).toBeLessThan(4096);
      const [fromPooled, reference] = await Promise.all([
        pool.run({ ...job("rss091.xml"), body: small }),
        inProcess.run(job("rss091.xml")),
      ]);
      expect(fromPooled).toEqual(reference);
      expect(neighbour.toString()).toBe("still readable");
      expect(small.toString("utf8")).toBe(readFileSync(fixture("rss091.xml"), "utf8"));
    } finally {
      await pool.close();
    }
    // Two jobs are in a worker at once (the next waits in the worker): a worker lost with both in
    // flight fails only the one it was running; the one behind it runs on the replacement.
    const single = new ParsePool(1, topics);
    try {
      // The job behind is big enough to own its memory (a small one is cut from Node's shared pool):
      // its body must still be there when it is sent again.
      const items = Array.from(
        { length: 200 },
        (_, i) => `<item><title>Story ${i}</title><link>https://big.test/${i}</link><guid>big-${i}</guid></item>`,
      );
      const big = Buffer.from(
        `<?xml version="1.0"?><rss version="2.0"><channel><title>Big</title>${items.join("")}</channel></rss>`,
      );
      expect(big.byteLength).toBeGreaterThan(8192);
      const first = single.run(job("rss2.xml"));
      const second = single.run({ ...job("rdf.xml"), body: big });
      const slots = (
        single as unknown as { slots: Array<{ worker: { terminate(): Promise<number> }; jobs: unknown[] }> }
      ).slots;
      expect(slots).toHaveLength(1);
      expect(slots[0]?.jobs).toHaveLength(2);
      await slots[0]?.worker.terminate();
      await expect(first).rejects.toMatchObject({ kind: "parse" });
      expect((await second).fresh).toHaveLength(200);
      // Many jobs through one worker: every answer reaches its own caller.
      const files = ["rss2.xml", "rdf.xml", "rss091.xml", "atom.xml"];
      const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => single.run(job(files[i % 4] as string))));
      const expected = await Promise.all(files.map((f) => inProcess.run(job(f))));
      for (const [i, answer] of answers.entries()) expect(answer).toEqual(expected[i % 4]);
    } finally {
      await single.close();
    }
    const impatient = new ParsePool(1, topics, 1);
    try {
      await expect(impatient.run(job("html-heavy.xml"))).rejects.toMatchObject({ kind: "timeout" });
      await expect(impatient.run(job("rss091.xml"))).rejects.toMatchObject({ kind: "timeout" });
    } finally {
      await impatient.close();
    }
  }, 60_000);
});
