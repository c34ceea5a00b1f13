import { randomBytes } from "node:crypto";
import { EventEmitter } from "node:events";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { GatewayCloseCodes, GatewayIntentBits, GatewayOpcodes } from "discord-api-types/v10";
import { type WebSocket, WebSocketServer } from "ws";
import { shardOf } from "./snowflake.js";

/** One frame as Discord sends it. */
export interface GatewayPayload {
  op: GatewayOpcodes;
  d: unknown;
  s?: number | null;
  t?: string | null;
}

/** A gateway session: survives its connection, so a client can RESUME and get what it missed. */
export interface GatewaySession {
  id: string;
  intents: number;
  shard: [number, number];
  seq: number;
  /** Dispatches sent (or held while disconnected), for replay on RESUME. */
  buffer: GatewayPayload[];
  connection: Connection | null;
  /** When the last connection went away; a session not resumed within the window is dropped. */
  disconnectedAt: number | null;
}

interface Connection {
  ws: WebSocket;
  session: GatewaySession | null;
  /** False after `stallHeartbeatAck()`: heartbeats go unanswered, as on a zombied connection. */
  ackHeartbeats: boolean;
}

/** A gateway event as tests see it in `gatewayLog`. */
export interface GatewayLogEntry {
  at: number;
  direction: "in" | "out" | "close";
  op?: number;
  t?: string | null;
  code?: number;
  sessionId?: string | null;
  shard?: [number, number];
}

export interface DispatchTarget {
  /** Guild events go only to the shard that owns the guild; others to shard 0 (DMs) or everyone. */
  guildId?: string | null;
  /** The intent a session must have asked for to receive the event (none for INTERACTION_CREATE). */
  intent?: number;
}

const PRIVILEGED = GatewayIntentBits.GuildMembers | GatewayIntentBits.GuildPresences | GatewayIntentBits.MessageContent;
const ALL_INTENTS = Object.values(GatewayIntentBits)
  .filter((v): v is number => typeof v === "number")
  .reduce((all, bit) => all | bit, 0);
/** Close codes after which Discord will not accept a RESUME of the session. */
const SESSION_ENDING_CODES = new Set<number>([
  1000,
  1001,
  GatewayCloseCodes.AuthenticationFailed,
  GatewayCloseCodes.InvalidSeq,
  GatewayCloseCodes.SessionTimedOut,
  GatewayCloseCodes.InvalidShard,
  GatewayCloseCodes.ShardingRequired,
  GatewayCloseCodes.InvalidAPIVersion,
  GatewayCloseCodes.InvalidIntents,
  GatewayCloseCodes.DisallowedIntents,
]);
const REPLAY_BUFFER = 1000;
const MAX_LOG = 10_000;

export interface GatewayOptions {
  token: string;
  heartbeatIntervalMs: number;
  /** Privileged intents the application has enabled in the developer portal. */
  privilegedIntents: number;
  url: () => string;
  /** How long a disconnected session stays resumable (and keeps collecting events to replay). */
  resumeWindowMs: number;
  /** Builds READY's user/application and the GUILD_CREATEs for a new session. */
  readyPayload: (session: GatewaySession) => { ready: Record<string, unknown>; guilds: Array<Record<string, unknown>> };
}

/**
 * The gateway half of the emulator: HELLO, IDENTIFY/RESUME, heartbeats, READY and guild
 * dispatches, with Discord's close codes, per-connection intents and shards, and sessions that
 * outlive their socket so RESUME replays missed events.
 */
export class Gateway extends EventEmitter {
  readonly sessions = new Map<string, GatewaySession>();
  readonly connections = new Set<Connection>();
  readonly log: GatewayLogEntry[] = [];
  readonly #wss = new WebSocketServer({ noServer: true });

  constructor(private readonly options: GatewayOptions) {
    super();
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#accept(ws, req));
  }

  #accept(ws: WebSocket, req: IncomingMessage): void {
    const conn: Connection = { ws, session: null, ackHeartbeats: true };
    this.connections.add(conn);
    const params = new URL(req.url ?? "/", "http://localhost").searchParams;
    ws.on("close", (code) => this.#onClose(conn, code));
    ws.on("error", () => ws.terminate());
    if (params.get("v") !== null && params.get("v") !== "10") {
      this.#close(conn, GatewayCloseCodes.InvalidAPIVersion, "Invalid API version");
      return;
    }
    if ((params.get("encoding") ?? "json") !== "json" || params.has("compress")) {
      // Only plain JSON is emulated; discord.js uses it unless zlib-sync is installed.
      this.#close(conn, GatewayCloseCodes.DecodeError, "Only encoding=json without compression is supported");
      return;
    }
    ws.on("message", (data) => this.#onMessage(conn, data.toString()));
    this.#send(conn, { op: GatewayOpcodes.Hello, d: { heartbeat_interval: this.options.heartbeatIntervalMs } });
  }

  #onMessage(conn: Connection, text: string): void {
    let payload: { op?: unknown; d?: unknown };
    try {
      payload = JSON.parse(text);
    } catch {
      this.#close(conn, GatewayCloseCodes.DecodeError, "Error while decoding payload.");
      return;
    }
    if (typeof payload !== "object" || payload === null) {
      this.#close(conn, GatewayCloseCodes.DecodeError, "Error while decoding payload.");
      return;
    }
    this.#record({ at: Date.now(), direction: "in", op: payload.op as number, sessionId: conn.session?.id ?? null });
    switch (payload.op) {
      case GatewayOpcodes.Heartbeat:
        this.emit("heartbeat");
        if (conn.ackHeartbeats) this.#send(conn, { op: GatewayOpcodes.HeartbeatAck, d: null });
        return;
      case GatewayOpcodes.Identify:
        this.#identify(conn, payload.d as IdentifyData);
        return;
      case GatewayOpcodes.Resume:
        this.#resume(conn, payload.d as ResumeData);
        return;
      case GatewayOpcodes.PresenceUpdate:
      case GatewayOpcodes.VoiceStateUpdate:
      case GatewayOpcodes.RequestGuildMembers:
      case GatewayOpcodes.RequestSoundboardSounds:
        if (!conn.session) this.#close(conn, GatewayCloseCodes.NotAuthenticated, "Not authenticated.");
        return;
      default:
        this.#close(conn, GatewayCloseCodes.UnknownOpcode, "Unknown opcode.");
    }
  }

  #identify(conn: Connection, d: IdentifyData): void {
    if (conn.session) {
      this.#close(conn, GatewayCloseCodes.AlreadyAuthenticated, "Already authenticated.");
      return;
    }
    if (d?.token !== this.options.token) {
      this.#close(conn, GatewayCloseCodes.AuthenticationFailed, "Authentication failed.");
      return;
    }
    const intents = d.intents;
    if (typeof intents !== "number" || !Number.isInteger(intents) || (intents & ~ALL_INTENTS) !== 0) {
      this.#close(conn, GatewayCloseCodes.InvalidIntents, "Invalid intent(s).");
      return;
    }
    if (intents & PRIVILEGED & ~this.options.privilegedIntents) {
      this.#close(conn, GatewayCloseCodes.DisallowedIntents, "Disallowed intent(s).");
      return;
    }
    const [shardId, shardCount] = d.shard ?? [0, 1];
    if (
      !Number.isInteger(shardId) ||
      !Number.isInteger(shardCount) ||
      shardCount < 1 ||
      shardId < 0 ||
      shardId >= shardCount
    ) {
      this.#close(conn, GatewayCloseCodes.InvalidShard, "Invalid shard.");
      return;
    }
    const session: GatewaySession = {
      id: randomBytes(16).toString("hex"),
      intents,
      shard: [shardId, shardCount],
      seq: 0,
      buffer: [],
      connection: conn,
      disconnectedAt: null,
    };
    conn.session = session;
    this.sessions.set(session.id, session);
    const { ready, guilds } = this.options.readyPayload(session);
    this.#dispatchTo(session, "READY", {
      v: 10,
      ...ready,
      session_id: session.id,
      session_type: "normal",
      resume_gateway_url: this.options.url(),
      shard: session.shard,
      private_channels: [],
      relationships: [],
      guild_join_requests: [],
      presences: [],
      user_settings: {},
      geo_ordered_rtc_regions: ["local"],
    });
    if (intents & GatewayIntentBits.Guilds) {
      for (const guild of guilds) this.#dispatchTo(session, "GUILD_CREATE", guild);
    }
    this.emit("identify", session);
  }

  #resume(conn: Connection, d: ResumeData): void {
    this.#expireSessions();
    const session = this.sessions.get(d?.session_id ?? "");
    if (d?.token !== this.options.token) {
      this.#close(conn, GatewayCloseCodes.AuthenticationFailed, "Authentication failed.");
      return;
    }
    if (!session || (conn.session && conn.session !== session)) {
      this.#send(conn, { op: GatewayOpcodes.InvalidSession, d: false });
      return;
    }
    const seq = d.seq;
    if (typeof seq !== "number" || seq > session.seq) {
      this.#close(conn, GatewayCloseCodes.InvalidSeq, "Invalid seq.");
      return;
    }
    // A newer connection takes the session over; the old socket (if any) is dropped, as on Discord.
    if (session.connection && session.connection !== conn) {
      const old = session.connection;
      old.session = null;
      this.#close(old, GatewayCloseCodes.UnknownError, "Session resumed elsewhere");
    }
    session.connection = conn;
    session.disconnectedAt = null;
    conn.session = session;
    const missed = session.buffer.filter((p) => (p.s ?? 0) > seq);
    for (const payload of missed) this.#send(conn, payload);
    this.#dispatchTo(session, "RESUMED", null);
    this.emit("resume", session, missed.length);
  }

  #onClose(conn: Connection, code: number): void {
    this.connections.delete(conn);
    this.#record({ at: Date.now(), direction: "close", code, sessionId: conn.session?.id ?? null });
    const session = conn.session;
    if (session && session.connection === conn) {
      session.connection = null;
      session.disconnectedAt = Date.now();
      if (SESSION_ENDING_CODES.has(code)) this.sessions.delete(session.id);
    }
  }

  /**
   * Sends an event to every session that should get it: the shard owning the guild, and only if
   * the session asked for the intent. `d` may depend on the session (e.g. message content intent).
   * Disconnected sessions keep it for replay.
   */
  dispatch(t: string, d: unknown | ((session: GatewaySession) => unknown), target: DispatchTarget = {}): number {
    this.#expireSessions();
    let delivered = 0;
    for (const session of this.sessions.values()) {
      if (!this.#wants(session, target)) continue;
      const data = typeof d === "function" ? (d as (s: GatewaySession) => unknown)(session) : d;
      this.#dispatchTo(session, t, data);
      delivered++;
    }
    return delivered;
  }

  /** Sessions of clients that never came back (a killed process) stop collecting events. */
  #expireSessions(): void {
    const cutoff = Date.now() - this.options.resumeWindowMs;
    for (const [id, session] of this.sessions) {
      if (session.connection === null && session.disconnectedAt !== null && session.disconnectedAt < cutoff) {
        this.sessions.delete(id);
      }
    }
  }

  #wants(session: GatewaySession, target: DispatchTarget): boolean {
    if (target.intent !== undefined && (session.intents & target.intent) === 0) return false;
    const [id, count] = session.shard;
    if (target.guildId) return shardOf(target.guildId, count) === id;
    return target.guildId === null ? id === 0 : true;
  }

  #dispatchTo(session: GatewaySession, t: string, d: unknown): void {
    session.seq++;
    const payload: GatewayPayload = { op: GatewayOpcodes.Dispatch, t, s: session.seq, d };
    session.buffer.push(payload);
    if (session.buffer.length > REPLAY_BUFFER) session.buffer.shift();
    if (session.connection) this.#send(session.connection, payload);
  }

  #send(conn: Connection, payload: GatewayPayload): void {
    if (conn.ws.readyState !== conn.ws.OPEN) return;
    this.#record({
      at: Date.now(),
      direction: "out",
      op: payload.op,
      t: payload.t ?? null,
      sessionId: conn.session?.id ?? null,
      ...(conn.session ? { shard: conn.session.shard } : {}),
    });
    conn.ws.send(JSON.stringify(payload));
  }

  /** Keeps the newest entries only: a long-running demo dispatches without end. */
  #record(entry: GatewayLogEntry): void {
    this.log.push(entry);
    if (this.log.length > MAX_LOG + MAX_LOG / 10) this.log.splice(0, this.log.length - MAX_LOG);
  }

  #close(conn: Connection, code: number, reason: string): void {
    if (conn.ws.readyState === conn.ws.OPEN || conn.ws.readyState === conn.ws.CONNECTING) conn.ws.close(code, reason);
    // Discord forgets the session at once for these codes, not when the client notices.
    if (conn.session && SESSION_ENDING_CODES.has(code)) this.sessions.delete(conn.session.id);
  }

  /** Closes connections (all, or one shard's) with a close code, as Discord does on errors or deploys. */
  closeConnections(code: number, filter: { shardId?: number } = {}): number {
    let closed = 0;
    for (const conn of [...this.connections]) {
      if (filter.shardId !== undefined && conn.session?.shard[0] !== filter.shardId) continue;
      this.#close(conn, code, "Closed by the emulator");
      closed++;
    }
    return closed;
  }

  /** From now on, heartbeats on the current connections get no ACK (new connections behave). */
  stallHeartbeatAck(): void {
    for (const conn of this.connections) conn.ackHeartbeats = false;
  }

  /** Sends op 9; a non-resumable one also forgets the sessions. */
  invalidateSessions(resumable: boolean): void {
    for (const conn of this.connections) {
      if (!conn.session) continue;
      if (!resumable) this.sessions.delete(conn.session.id);
      this.#send(conn, { op: GatewayOpcodes.InvalidSession, d: resumable });
    }
  }

  /** Sends op 7: the client should reconnect and resume. */
  requestReconnect(): void {
    for (const conn of this.connections) this.#send(conn, { op: GatewayOpcodes.Reconnect, d: null });
  }

  async close(): Promise<void> {
    for (const conn of this.connections) conn.ws.terminate();
    this.connections.clear();
    this.sessions.clear();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }
}

interface IdentifyData {
  token?: string;
  intents?: number;
  shard?: [number, number];
}

interface ResumeData {
  token?: string;
  session_id?: string;
  seq?: number;
}
