import { STATUS_CODES } from "node:http";
import type { Readable } from "node:stream";
import { createBrotliDecompress, createGunzip, createInflate } from "node:zlib";
import { Agent, type Dispatcher, request } from "undici";
import { FeedError } from "./errors.js";
import { USER_AGENT } from "./user-agent.js";

export interface HttpOptions {
  /** Whole request, body included. */
  timeoutMs: number;
  /** Bytes of the decoded body; past this the transfer is aborted. */
  maxBytes: number;
  maxRedirects: number;
  /** Validators from the previous successful fetch (conditional GET). */
  etag?: string | null;
  lastModified?: string | null;
  /** Connection pool with the connect timeout; see createHttpAgent. */
  dispatcher?: Dispatcher;
  userAgent?: string;
  signal?: AbortSignal;
}

export type FetchResult =
  | { status: "not_modified"; url: string }
  | {
      status: "ok";
      /** The URL finally fetched, after redirects: the base for relative links. */
      url: string;
      body: Uint8Array;
      contentType: string | null;
      etag: string | null;
      lastModified: string | null;
    };

const ACCEPT =
  "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5";

/** A connection pool for feed fetches; `connectTimeoutMs` bounds the TCP/TLS handshake. */
export function createHttpAgent(options: { connectTimeoutMs: number; connections?: number }): Agent {
  return new Agent({
    connect: { timeout: options.connectTimeoutMs },
    connections: options.connections ?? 4,
    keepAliveTimeout: 10_000,
  });
}

/** Retry-After: delay-seconds or an HTTP date; null when absent or nonsense. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

class Timeout extends Error {
  override name = "TimeoutError";
}

/** Maps what undici throws to a FeedError with a message an operator can act on. */
function classify(err: unknown, url: string, signal: AbortSignal, timeoutMs: number): FeedError {
  if (err instanceof FeedError) return err;
  if (signal.aborted && signal.reason instanceof Timeout) {
    return new FeedError("timeout", `no complete response within ${timeoutMs} ms`, { cause: err });
  }
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  const code = cause?.code ?? (err as { code?: string }).code;
  if (code === "UND_ERR_CONNECT_TIMEOUT") {
    return new FeedError("timeout", `could not connect to ${new URL(url).host} in time`, { cause: err });
  }
  const detail = cause?.message ?? (err as Error).message ?? String(err);
  return new FeedError("network", code ? `${code}: ${detail}` : detail, { cause: err });
}

type Headers = Record<string, string | string[] | undefined>;

function header(headers: Headers, name: string): string | null {
  const value = headers[name];
  return Array.isArray(value) ? value.join(", ") : (value ?? null);
}

/** The body as the server meant it: decompressed when it says gzip, deflate or br. */
function decodedBody(body: Readable, encoding: string | null): Readable {
  switch (encoding?.trim().toLowerCase()) {
    case "gzip":
    case "x-gzip":
      return body.pipe(createGunzip());
    case "deflate":
      return body.pipe(createInflate());
    case "br":
      return body.pipe(createBrotliDecompress());
    default:
      return body;
  }
}

async function readCapped(body: Readable, headers: Headers, maxBytes: number): Promise<Uint8Array> {
  const tooLarge = () => new FeedError("too_large", `the body exceeds the ${maxBytes} byte limit`);
  const encoding = header(headers, "content-encoding");
  // Content-Length counts encoded bytes; with compression the decoded body is checked while reading.
  if (!encoding && Number(header(headers, "content-length")) > maxBytes) {
    body.destroy();
    throw tooLarge();
  }
  const decoded = decodedBody(body, encoding);
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of decoded as AsyncIterable<Buffer>) {
      total += chunk.byteLength;
      // Leaving the loop destroys the stream: the transfer stops, and a gzip bomb's decompressor with it.
      if (total > maxBytes) throw tooLarge();
      chunks.push(chunk);
    }
  } catch (err) {
    if (err instanceof FeedError) throw err;
    const code = (err as NodeJS.ErrnoException).code ?? "";
    if (decoded !== body && (code.startsWith("Z_") || code.startsWith("ERR_BROTLI") || code.startsWith("ERR__"))) {
      throw new FeedError("network", `the ${encoding} body is corrupt: ${(err as Error).message}`, { cause: err });
    }
    throw err;
  } finally {
    if (decoded !== body) decoded.destroy();
    body.destroy();
  }
  return Buffer.concat(chunks, total);
}

/**
 * GETs a feed politely: User-Agent naming the bot, conditional headers, compressed transfer,
 * redirects followed by hand (at most `maxRedirects`, loops detected), a total deadline and a body
 * cap applied to the decoded bytes. Every failure is a FeedError with its kind.
 * (undici's `request` rather than `fetch`: the same pool, a third less CPU per feed.)
 */
export async function fetchFeed(url: string, options: HttpOptions): Promise<FetchResult> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Timeout()), options.timeoutMs);
  const onOuterAbort = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener("abort", onOuterAbort, { once: true });
  // Without a dispatcher, undici's global pool (10 s connect timeout) is used.
  const dispatcher = options.dispatcher;
  const visited = new Set<string>();
  let current = url;
  try {
    for (let hop = 0; ; hop++) {
      let parsed: URL;
      try {
        parsed = new URL(current);
      } catch {
        throw new FeedError("bad_url", `"${current}" is not a URL`);
      }
      if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
        throw new FeedError("bad_url", `${parsed.protocol} URLs are not fetched (only http and https)`);
      }
      visited.add(parsed.href);
      const headers: Record<string, string> = {
        "user-agent": options.userAgent ?? USER_AGENT,
        accept: ACCEPT,
        "accept-encoding": "gzip, deflate, br",
      };
      if (options.etag) headers["if-none-match"] = options.etag;
      if (options.lastModified) headers["if-modified-since"] = options.lastModified;
      const res = await request(parsed.href, {
        method: "GET",
        headers,
        signal: controller.signal,
        ...(dispatcher ? { dispatcher } : {}),
      });
      const status = res.statusCode;
      const discard = () => res.body.dump().catch(() => undefined);

      if (status >= 300 && status < 400 && status !== 304) {
        await discard();
        const location = header(res.headers, "location");
        if (!location) throw new FeedError("http_status", `HTTP ${status} without a Location`, { status });
        const next = new URL(location, parsed).href;
        if (visited.has(next)) throw new FeedError("redirect_loop", `redirect loop: ${parsed.href} → ${next}`);
        if (hop + 1 > options.maxRedirects) {
          throw new FeedError("too_many_redirects", `more than ${options.maxRedirects} redirects (last to ${next})`);
        }
        current = next;
        continue;
      }
      if (status === 304) {
        await discard();
        return { status: "not_modified", url: parsed.href };
      }
      if (status < 200 || status >= 300) {
        await discard();
        const retryAfter =
          status === 429 || status === 503 ? parseRetryAfter(header(res.headers, "retry-after")) : null;
        const wait = retryAfter === null ? "" : `; asked to retry after ${Math.round(retryAfter / 1000)} s`;
        throw new FeedError("http_status", `HTTP ${status} ${STATUS_CODES[status] ?? ""}`.trim() + wait, {
          status,
          ...(retryAfter === null ? {} : { retryAfterMs: retryAfter }),
        });
      }
      const body = await readCapped(res.body, res.headers, options.maxBytes);
      return {
        status: "ok",
        url: parsed.href,
        body,
        contentType: header(res.headers, "content-type"),
        etag: header(res.headers, "etag"),
        lastModified: header(res.headers, "last-modified"),
      };
    }
  } catch (err) {
    throw classify(err, current, controller.signal, options.timeoutMs);
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onOuterAbort);
  }
}
