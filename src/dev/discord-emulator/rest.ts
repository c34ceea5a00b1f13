import type { IncomingMessage, ServerResponse } from "node:http";
import FindMyWay from "find-my-way";
import type { Logger } from "../../log.js";
import type { CommandStore } from "./commands.js";
import type { EmulatorCore } from "./core.js";
import { DiscordHttpError, notFound, unauthorized } from "./errors.js";
import type { FaultInjector } from "./faults.js";
import type { InteractionRegistry } from "./interactions.js";
import { type RateLimiter, type RateLimitReason, type TrafficStats, tooManyRequests } from "./rate-limits.js";
import { ROUTES, type RouteContext, type RouteDefinition } from "./routes/index.js";

/** One REST request as the emulator answered it, in arrival order. */
export interface RecordedRequest {
  index: number;
  at: number;
  method: string;
  /** Path after `/api/v10`, e.g. `/channels/123/messages`. */
  path: string;
  /** The matched route template, or null for an unknown route. */
  route: string | null;
  params: Record<string, string>;
  query: Record<string, string>;
  body: unknown;
  status: number;
  response: unknown;
  /** Set on 429s: Discord's own limits ("global", "route") or a storm the test injected. */
  rateLimited?: RateLimitReason;
  /** Set when the status came from `failNext`. */
  injectedFailure?: boolean;
}

export interface RestDeps {
  core: EmulatorCore;
  interactions: InteractionRegistry;
  commands: CommandStore;
  limiter: RateLimiter;
  faults: FaultInjector;
  stats: TrafficStats;
  token: string;
  gatewayUrl: () => string;
  recommendedShards: () => number;
  log: Logger;
  /** Larger bodies are answered 413 (Discord's upload limit). */
  maxRequestBytes: number;
  /** Called with every finished request (recording, waiters). */
  record: (request: RecordedRequest) => void;
}

const API_PREFIX = /^\/api\/v10(?=\/)/;

type Matched = { route: RouteDefinition; params: Record<string, string> };

/** The HTTP half of the emulator: routing, auth, faults, rate limits, body decoding, recording. */
export function createRestHandler(deps: RestDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const router = FindMyWay({ ignoreTrailingSlash: true, caseSensitive: true });
  for (const route of ROUTES) router.on(route.method, route.path, () => undefined, route);
  let index = 0;

  return (req, res) => {
    const started = Date.now();
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const method = req.method ?? "GET";
    const path = url.pathname.replace(API_PREFIX, "");
    const found = API_PREFIX.test(url.pathname) ? router.find(method as "GET", path) : null;
    const matched: Matched | null = found
      ? { route: found.store as RouteDefinition, params: found.params as Record<string, string> }
      : null;
    const entry: RecordedRequest = {
      index: index++,
      at: started,
      method,
      path: safeDecode(path),
      route: matched?.route.path ?? null,
      params: matched?.params ?? {},
      query: Object.fromEntries(url.searchParams),
      body: undefined,
      status: 0,
      response: undefined,
    };
    void readBody(req, deps.maxRequestBytes)
      .then(async (raw) => {
        const result = await answer(deps, req, matched, url, raw, entry);
        send(res, result.status, result.headers, result.body);
        entry.status = result.status;
        entry.response = result.body;
        if (result.status === 401 || result.status === 403 || result.status === 429) deps.stats.invalidRequests++;
        deps.record(entry);
      })
      .catch((err: unknown) => {
        deps.log.error({ err, method, path }, "emulator request failed");
        send(res, 500, {}, { message: "500: Internal Server Error", code: 0 });
        entry.status = 500;
        deps.record(entry);
      });
  };
}

interface Answer {
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

async function answer(
  deps: RestDeps,
  req: IncomingMessage,
  matched: Matched | null,
  url: URL,
  raw: Buffer | null,
  entry: RecordedRequest,
): Promise<Answer> {
  if (!matched) return errorAnswer(notFound());
  if (raw === null) return errorAnswer(new DiscordHttpError(413, 40005, "Request entity too large"));
  const { route, params } = matched;
  if (route.auth && req.headers.authorization !== `Bot ${deps.token}`) return errorAnswer(unauthorized());
  // Decoded up front so refused requests (429, injected 5xx) are recorded with what they carried.
  const decoded = await decodeBody(req.headers["content-type"], raw, deps.core).catch(() => null);
  if (decoded) entry.body = decoded.body;
  const now = Date.now();
  deps.stats.count(now);

  const target = { method: route.method, route: route.path, path: entry.path };
  const failure = deps.faults.takeFailure(target);
  if (failure !== null) {
    deps.stats.injectedServerErrors++;
    entry.injectedFailure = true;
    return { status: failure, headers: {}, body: { message: `${failure}: Server Error`, code: 0 } };
  }
  const storm = deps.faults.takeStorm(target, now);
  const decision = storm
    ? { headers: {}, limited: storm }
    : deps.limiter.take(
        {
          token: route.auth ? deps.token : null,
          method: route.method,
          route: route.path,
          major: route.major ? (params[route.major] ?? "") : "",
        },
        now,
      );
  if (decision.limited) {
    deps.stats.rateLimited[decision.limited.reason]++;
    entry.rateLimited = decision.limited.reason;
    const limited = tooManyRequests(decision.limited);
    return { status: 429, headers: { ...decision.headers, ...limited.headers }, body: limited.body };
  }

  if (!decoded) {
    return {
      ...errorAnswer(new DiscordHttpError(400, 50109, "The request body contains invalid JSON.")),
      headers: decision.headers,
    };
  }
  try {
    const result = await route.handler({
      core: deps.core,
      interactions: deps.interactions,
      commands: deps.commands,
      params,
      query: url.searchParams,
      body: decoded.body,
      attachments: decoded.attachments,
      gatewayUrl: deps.gatewayUrl(),
      recommendedShards: deps.recommendedShards,
    });
    return { status: result.status, headers: decision.headers, body: result.body };
  } catch (err) {
    if (err instanceof DiscordHttpError) return { ...errorAnswer(err), headers: decision.headers };
    throw err;
  }
}

function errorAnswer(err: DiscordHttpError): Answer {
  return { status: err.status, headers: {}, body: err.toBody() };
}

async function decodeBody(
  contentType: string | undefined,
  raw: Buffer,
  core: EmulatorCore,
): Promise<{ body: unknown; attachments: RouteContext["attachments"] }> {
  if (raw.length === 0) return { body: undefined, attachments: [] };
  if (contentType?.startsWith("multipart/form-data")) {
    // discord.js sends files as multipart with the JSON in `payload_json`, as Discord expects.
    const form = await new Response(raw, { headers: { "content-type": contentType } }).formData();
    const json = form.get("payload_json");
    const attachments: RouteContext["attachments"] = [];
    for (const [key, value] of form.entries()) {
      if (key === "payload_json" || typeof value === "string") continue;
      attachments.push({ id: core.world.ids.next(), filename: value.name, size: value.size, content_type: value.type });
    }
    return { body: typeof json === "string" ? JSON.parse(json) : {}, attachments };
  }
  return { body: JSON.parse(raw.toString("utf8")), attachments: [] };
}

/** Paths as a reader expects them in `requests` (`/messages/@original`, emoji as characters). */
function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** The body, or null when it is over Discord's upload limit (read to the end so the 413 can be sent). */
function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
    });
    req.on("end", () => resolve(size > maxBytes ? null : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: unknown): void {
  if (res.headersSent) return;
  if (status === 204 || body === undefined) {
    res.writeHead(status, headers).end();
    return;
  }
  const text = JSON.stringify(body);
  res
    .writeHead(status, { ...headers, "content-type": "application/json", "content-length": Buffer.byteLength(text) })
    .end(text);
}
