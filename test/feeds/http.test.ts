import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FeedError } from "../../src/feeds/errors.js";
import { createHttpAgent, fetchFeed, type HttpOptions, parseRetryAfter } from "../../src/feeds/http.js";
import { FetchLimiter } from "../../src/feeds/limits.js";
import { type FeedServer, rssFeed, startFeedServer } from "./feed-server.js";

let server: FeedServer;
const agent = createHttpAgent({ connectTimeoutMs: 2_000 });
const options: HttpOptions = { timeoutMs: 2_000, maxBytes: 1024 * 1024, maxRedirects: 5, dispatcher: agent };
const feed = rssFeed("Test", [{ guid: "1", title: "Hello", link: "https://example.test/1" }]);

beforeAll(async () => {
  server = await startFeedServer();
});
afterAll(async () => {
  await server.close();
  await agent.close();
});

async function failure(path: string, overrides: Partial<HttpOptions> = {}): Promise<FeedError> {
  try {
    await fetchFeed(server.url(path), { ...options, ...overrides });
  } catch (err) {
    expect(err).toBeInstanceOf(FeedError);
    return err as FeedError;
  }
  throw new Error(`${path} did not fail`);
}

describe("fetchFeed", () => {
  it("fetches a gzip-compressed feed, naming the bot in the User-Agent", async () => {
    server.set("/ok.xml", { body: feed, gzip: true, etag: '"v1"', lastModified: "Tue, 06 Jan 2026 10:00:00 GMT" });
    const result = await fetchFeed(server.url("/ok.xml"), options);
    expect(result.status).toBe("ok");
    if (result.status !== "ok") return;
    expect(Buffer.from(result.body).toString()).toBe(feed);
    expect(result.etag).toBe('"v1"');
    expect(result.lastModified).toBe("Tue, 06 Jan 2026 10:00:00 GMT");
    const sent = server.requests.at(-1)!.headers;
    expect(sent["user-agent"]).toMatch(/^newsdesk\/\d+\.\d+\.\d+ \(\+https?:\/\/\S+\)$/);
    expect(sent["accept-encoding"]).toContain("gzip");
    expect(sent["accept-encoding"]).toContain("br");
  });

  it("sends validators and reports 304 as not modified", async () => {
    server.set("/cond.xml", { body: feed, etag: '"abc"' });
    const result = await fetchFeed(server.url("/cond.xml"), { ...options, etag: '"abc"', lastModified: "x" });
    expect(result.status).toBe("not_modified");
    expect(server.requests.at(-1)!.headers["if-none-match"]).toBe('"abc"');
    expect(server.requests.at(-1)!.headers["if-modified-since"]).toBe("x");
  });

  it("reports HTTP errors with their status", async () => {
    server.set("/gone.xml", { status: 410, body: "gone" });
    server.set("/boom.xml", { status: 500, body: "oops" });
    expect(await failure("/nothing-here.xml")).toMatchObject({ kind: "http_status", details: { status: 404 } });
    expect(await failure("/gone.xml")).toMatchObject({ kind: "http_status", details: { status: 410 } });
    expect(await failure("/boom.xml")).toMatchObject({ kind: "http_status", details: { status: 500 } });
  });

  it("reads Retry-After on 429 and 503", async () => {
    server.set("/busy.xml", { status: 429, headers: { "retry-after": "120" } });
    const err = await failure("/busy.xml");
    expect(err).toMatchObject({ kind: "http_status", details: { status: 429, retryAfterMs: 120_000 } });
    expect(err.message).toContain("retry after 120 s");
    const date = new Date(Date.now() + 600_000).toUTCString();
    server.set("/down.xml", { status: 503, headers: { "retry-after": date } });
    const down = await failure("/down.xml");
    expect(down.details.retryAfterMs).toBeGreaterThan(500_000);
  });

  it("gives up on a server slower than the total timeout", async () => {
    server.set("/slow.xml", { body: feed, delayMs: 5_000 });
    const err = await failure("/slow.xml", { timeoutMs: 300 });
    expect(err.kind).toBe("timeout");
    expect(err.message).toContain("300 ms");
  });

  it("aborts an endless body at the size cap and closes the connection", async () => {
    server.set("/endless.xml", { misbehave: "endless" });
    const before = process.memoryUsage().rss;
    const err = await failure("/endless.xml", { maxBytes: 2 * 1024 * 1024 });
    expect(err.kind).toBe("too_large");
    expect(process.memoryUsage().rss - before).toBeLessThan(100 * 1024 * 1024);
    await expect.poll(() => server.activeStreams(), { timeout: 2_000 }).toBe(0);
  });

  it("applies the cap to the decoded body of a gzip bomb", async () => {
    server.set("/bomb.xml", { misbehave: "gzip-bomb" });
    expect((await failure("/bomb.xml", { maxBytes: 4 * 1024 * 1024 })).kind).toBe("too_large");
    await expect.poll(() => server.activeStreams(), { timeout: 2_000 }).toBe(0);
  });

  it("rejects a declared Content-Length over the cap without reading the body", async () => {
    server.set("/big.xml", { body: Buffer.alloc(64 * 1024, "x") });
    expect((await failure("/big.xml", { maxBytes: 1024 })).kind).toBe("too_large");
  });

  it("follows relative redirects and reports the final URL", async () => {
    server.set("/r1", { redirect: "/r2" });
    server.set("/r2", { redirect: `${server.baseUrl}/final.xml` });
    server.set("/final.xml", { body: feed });
    const result = await fetchFeed(server.url("/r1"), options);
    expect(result).toMatchObject({ status: "ok", url: server.url("/final.xml") });
  });

  it("detects redirect loops and too many redirects", async () => {
    server.set("/loop-a", { redirect: "/loop-b" });
    server.set("/loop-b", { redirect: "/loop-a" });
    expect((await failure("/loop-a")).kind).toBe("redirect_loop");
    for (let i = 0; i < 7; i++) server.set(`/hop${i}`, { redirect: `/hop${i + 1}` });
    server.set("/hop7", { body: feed });
    const err = await failure("/hop0", { maxRedirects: 5 });
    expect(err.kind).toBe("too_many_redirects");
    expect(err.message).toContain("more than 5 redirects");
  });

  it("reports refused connections and dropped connections as network errors", async () => {
    const closed = await startFeedServer();
    const url = closed.url("/x.xml");
    await closed.close();
    await expect(fetchFeed(url, options)).rejects.toMatchObject({ kind: "network" });
    server.set("/drop.xml", { misbehave: "destroy" });
    expect((await failure("/drop.xml")).kind).toBe("network");
  });

  it("refuses non-http URLs", async () => {
    await expect(fetchFeed("file:///etc/passwd", options)).rejects.toMatchObject({ kind: "bad_url" });
  });
});

describe("parseRetryAfter", () => {
  it("reads seconds and HTTP dates, and ignores nonsense", () => {
    expect(parseRetryAfter("30")).toBe(30_000);
    expect(parseRetryAfter("Tue, 06 Jan 2026 10:01:00 GMT", Date.parse("2026-01-06T10:00:00Z"))).toBe(60_000);
    expect(parseRetryAfter("soon")).toBeNull();
    expect(parseRetryAfter(null)).toBeNull();
  });
});

describe("FetchLimiter", () => {
  it("never runs more than perHost tasks for one host, nor more than the global limit", async () => {
    const limiter = new FetchLimiter(3, 2);
    const running = new Map<string, number>();
    let total = 0;
    let maxTotal = 0;
    const maxPerHost = new Map<string, number>();
    const task = (host: string) => async () => {
      running.set(host, (running.get(host) ?? 0) + 1);
      total++;
      maxTotal = Math.max(maxTotal, total);
      maxPerHost.set(host, Math.max(maxPerHost.get(host) ?? 0, running.get(host)!));
      await new Promise((r) => setTimeout(r, 5));
      running.set(host, running.get(host)! - 1);
      total--;
    };
    const hosts = ["a.test", "b.test", "c.test"];
    await Promise.all(
      Array.from({ length: 30 }, (_, i) => limiter.run(`https://${hosts[i % 3]}/feed${i}`, task(hosts[i % 3]!))),
    );
    expect(maxTotal).toBeLessThanOrEqual(3);
    for (const host of hosts) expect(maxPerHost.get(host)).toBeLessThanOrEqual(2);
    expect(limiter.busyHosts).toBe(0);
  });
});
