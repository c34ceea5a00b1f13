/**
 * A local feed server for tests: serves named bodies on 127.0.0.1 (port 0), counts and records
 * requests, and misbehaves on demand. Reusable by any suite that needs feeds without the internet:
 *
 *   const server = await startFeedServer({ "/a.xml": { body: rss } });
 *   server.url("/a.xml"); server.set("/a.xml", { status: 500 }); server.hits("/a.xml");
 *   await server.close();
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createGzip, gzipSync } from "node:zlib";

export interface Route {
  body?: string | Uint8Array;
  /** Default 200. */
  status?: number;
  /** Default "application/rss+xml". */
  contentType?: string;
  headers?: Record<string, string>;
  /** Sent as ETag; a request with a matching If-None-Match gets 304. */
  etag?: string;
  /** Sent as Last-Modified; a request with the same If-Modified-Since gets 304. */
  lastModified?: string;
  gzip?: boolean;
  /** Wait this long before answering (to exceed client timeouts). */
  delayMs?: number;
  /** 302 to this location (relative or absolute). */
  redirect?: string;
  /** endless: stream bytes forever; gzip-bomb: stream gzip of zeros forever; destroy: drop the connection. */
  misbehave?: "endless" | "gzip-bomb" | "destroy";
}

export interface RecordedRequest {
  path: string;
  headers: IncomingHttpHeaders;
}

export interface FeedServer {
  readonly baseUrl: string;
  url(path: string): string;
  /** Replaces what a path serves (a function is called per request). */
  set(path: string, route: Route | ((req: RecordedRequest) => Route)): void;
  hits(path: string): number;
  readonly requests: RecordedRequest[];
  /** Endless or bomb responses still being written: an aborted transfer must not leave one behind. */
  activeStreams(): number;
  close(): Promise<void>;
}

export async function startFeedServer(routes: Record<string, Route> = {}): Promise<FeedServer> {
  const table = new Map<string, Route | ((req: RecordedRequest) => Route)>(Object.entries(routes));
  const counts = new Map<string, number>();
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let streaming = 0;

  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };

  function stream(res: ServerResponse, chunk: Buffer, through?: NodeJS.WritableStream): void {
    const out = through ?? res;
    const pump = () => {
      while (!res.destroyed) {
        if (!out.write(chunk)) {
          out.once("drain", pump);
          return;
        }
      }
    };
    streaming++;
    res.on("close", () => {
      streaming--;
      (through as { destroy?: () => void } | undefined)?.destroy?.();
    });
    pump();
  }

  function answer(route: Route, req: RecordedRequest, res: ServerResponse): void {
    if (route.misbehave === "destroy") {
      res.socket?.destroy();
      return;
    }
    if (route.redirect) {
      res.writeHead(302, { location: route.redirect }).end();
      return;
    }
    const headers: Record<string, string> = { "content-type": route.contentType ?? "application/rss+xml" };
    if (route.etag) headers.etag = route.etag;
    if (route.lastModified) headers["last-modified"] = route.lastModified;
    Object.assign(headers, route.headers);
    const notModified =
      (route.etag !== undefined && req.headers["if-none-match"] === route.etag) ||
      (route.etag === undefined &&
        route.lastModified !== undefined &&
        req.headers["if-modified-since"] === route.lastModified);
    if (notModified) {
      res.writeHead(304, headers).end();
      return;
    }
    if (route.misbehave === "endless") {
      res.writeHead(200, headers);
      stream(res, Buffer.alloc(64 * 1024, "<item>endless</item>"));
      return;
    }
    if (route.misbehave === "gzip-bomb") {
      res.writeHead(200, { ...headers, "content-encoding": "gzip" });
      const gzip = createGzip();
      gzip.pipe(res);
      stream(res, Buffer.alloc(256 * 1024), gzip);
      return;
    }
    let body: Uint8Array = typeof route.body === "string" ? Buffer.from(route.body) : (route.body ?? Buffer.alloc(0));
    if (route.gzip) {
      body = gzipSync(body);
      headers["content-encoding"] = "gzip";
    }
    headers["content-length"] = String(body.byteLength);
    res.writeHead(route.status ?? 200, headers).end(body);
  }

  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const recorded = { path, headers: req.headers };
    requests.push(recorded);
    counts.set(path, (counts.get(path) ?? 0) + 1);
    const entry = table.get(path);
    const route = typeof entry === "function" ? entry(recorded) : entry;
    if (!route) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    if (route.delayMs) later(route.delayMs, () => !res.destroyed && answer(route, recorded, res));
    else answer(route, recorded, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;

  return {
    baseUrl,
    url: (path) => `${baseUrl}${path}`,
    set: (path, route) => void table.set(path, route),
    hits: (path) => counts.get(path) ?? 0,
    requests,
    activeStreams: () => streaming,
    close: async () => {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A small RSS 2.0 document; items newest first, dates as given. */
export function rssFeed(
  title: string,
  items: Array<{ guid?: string; title: string; link?: string; date?: string; description?: string }>,
): string {
  const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const body = items
    .map(
      (i) =>
        `<item><title>${esc(i.title)}</title>` +
        (i.link ? `<link>${esc(i.link)}</link>` : "") +
        (i.guid ? `<guid isPermaLink="false">${esc(i.guid)}</guid>` : "") +
        (i.date ? `<pubDate>${i.date}</pubDate>` : "") +
        (i.description ? `<description>${esc(i.description)}</description>` : "") +
        "</item>",
    )
    .join("\n");
  return `<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>${esc(title)}</title><link>https://example.test/</link><description>test</description>\n${body}\n</channel></rss>\n`;
}
