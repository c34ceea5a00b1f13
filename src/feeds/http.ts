import { Agent, type Dispatcher, fetch } from "undici";
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
  if (signal.aborted && signal.reason instanceof FeedError) return signal.reason;
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

async function readCapped(res: Awaited<ReturnType<typeof fetch>>, maxBytes: number, abort: (e: FeedError) => void) {
  const tooLarge = () => new FeedError("too_large", `the body exceeds the ${maxBytes} byte limit`);
  const declared = Number(res.headers.get("content-length"));
  // Content-Length counts encoded bytes; with compression the decoded body is checked while reading.
  if (!res.headers.get("content-encoding") && declared > maxBytes) {
    const err = tooLarge();
    abort(err);
    throw err;
  }
  if (!res.body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of res.body) {
    total += chunk.byteLength;
    if (total > maxBytes) {
      const err = tooLarge();
      abort(err); // stops the transfer (and the decompressor: a gzip bomb stops here too)
      throw err;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, total);
}

/**
 * GETs a feed politely: User-Agent naming the bot, conditional headers, compressed transfer,
 * redirects followed by hand (at most `maxRedirects`, loops detected), a total deadline and a body
 * cap applied to the decoded bytes. Every failure is a FeedError with its kind.
 */
export async function fetchFeed(url: string, options: HttpOptions): Promise<FetchResult> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Timeout()), options.timeoutMs);
  const onOuterAbort = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener("abort", onOuterAbort, { once: true });
  const abort = (err: FeedError) => controller.abort(err);
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
      const res = await fetch(parsed.href, {
        headers,
        redirect: "manual",
        signal: controller.signal,
        ...(dispatcher ? { dispatcher } : {}),
      });

      if (res.status >= 300 && res.status < 400 && res.status !== 304) {
        await res.body?.cancel().catch(() => undefined);
        const location = res.headers.get("location");
        if (!location)
          throw new FeedError("http_status", `HTTP ${res.status} without a Location`, { status: res.status });
        const next = new URL(location, parsed).href;
        if (visited.has(next)) throw new FeedError("redirect_loop", `redirect loop: ${parsed.href} → ${next}`);
        if (hop + 1 > options.maxRedirects) {
          throw new FeedError("too_many_redirects", `more than ${options.maxRedirects} redirects (last to ${next})`);
        }
        current = next;
        continue;
      }
      if (res.status === 304) {
        await res.body?.cancel().catch(() => undefined);
        return { status: "not_modified", url: parsed.href };
      }
      if (res.status < 200 || res.status >= 300) {
        await res.body?.cancel().catch(() => undefined);
        const retryAfter =
          res.status === 429 || res.status === 503 ? parseRetryAfter(res.headers.get("retry-after")) : null;
        const wait = retryAfter === null ? "" : `; asked to retry after ${Math.round(retryAfter / 1000)} s`;
        throw new FeedError("http_status", `HTTP ${res.status} ${res.statusText}`.trim() + wait, {
          status: res.status,
          ...(retryAfter === null ? {} : { retryAfterMs: retryAfter }),
        });
      }
      const body = await readCapped(res, options.maxBytes, abort);
      return {
        status: "ok",
        url: parsed.href,
        body,
        contentType: res.headers.get("content-type"),
        etag: res.headers.get("etag"),
        lastModified: res.headers.get("last-modified"),
      };
    }
  } catch (err) {
    throw classify(err, current, controller.signal, options.timeoutMs);
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onOuterAbort);
  }
}
