import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import {
  ApplicationCommandType,
  type ChannelType,
  GatewayIntentBits,
  InteractionType,
  OverwriteType,
} from "discord-api-types/v10";
import { type Logger, silentLogger } from "../../log.js";
import { CommandStore } from "./commands.js";
import { EmulatorCore, parseEmoji } from "./core.js";
import { FaultInjector, type RouteFilter, type StormOptions } from "./faults.js";
import { Gateway, type GatewayLogEntry } from "./gateway.js";
import {
  buildOptions,
  type CommandRecord,
  type InteractionHandle,
  InteractionRegistry,
  type OptionValues,
  resolvedMessage,
  waitFor,
} from "./interactions.js";
import { channelJson, guildCreateJson, userJson } from "./json.js";
import { RateLimiter, type RouteLimit, TrafficStats } from "./rate-limits.js";
import { createRestHandler, type RecordedRequest } from "./rest.js";
import { shardOf } from "./snowflake.js";
import { type ChannelRecord, type MessageRecord, type UserRecord, World } from "./world.js";

export interface EmulatorOptions {
  /** 0 (default) picks a free port. The emulator only ever binds 127.0.0.1. */
  port?: number;
  /** The bot token clients must present; generated if omitted. */
  token?: string;
  botName?: string;
  /** HELLO's heartbeat interval. Discord's is 41250 ms; tests that exercise heartbeats use less. */
  heartbeatIntervalMs?: number;
  /**
   * Refuse to run a command for members lacking its `default_member_permissions`. Off by default:
   * on Discord a server admin can grant the command anyway (Integrations settings), so the bot must
   * check permissions itself, and tests of that check need the interaction delivered.
   */
  enforceDefaultMemberPermissions?: boolean;
  /** How long a disconnected gateway session can be resumed (default 2 min). */
  resumeWindowMs?: number;
  /** Privileged intents "enabled in the developer portal"; default: all three. */
  privilegedIntents?: number;
  /** Requests per second per token (Discord: 50). */
  globalRateLimit?: number;
  /** Message creation per channel (Discord: 5 per 5 s). */
  messageRateLimit?: RouteLimit;
  /** Bucket for routes without a specific one (default 50 per second). */
  defaultRouteLimit?: RouteLimit;
  /** Overrides per route, keyed `"METHOD /route/template"`, e.g. `"PUT /channels/:channel_id/…/@me"`. */
  routeLimits?: Record<string, RouteLimit>;
  /** What /gateway/bot recommends (default 1). */
  recommendedShards?: number;
  /** How long `enforce_nonce` remembers a nonce (default 5 min). */
  nonceWindowMs?: number;
  /** Request bodies above this answer 413 / 40005 (default 25 MiB, Discord's upload limit for bots). */
  maxRequestBytes?: number;
  /** Keep only the newest N entries of `requests` (a long-running demo would otherwise grow forever). */
  maxRecordedRequests?: number;
  /** Each request is logged at debug level, errors at error level. */
  logger?: Logger;
}

export interface SeededGuild {
  id: string;
  name: string;
  everyoneRoleId: string;
  botRoleId: string;
  ownerId: string;
}

export interface MemberSeed {
  username?: string;
  userId?: string;
  roleIds?: string[];
}

const DEFAULT_ROUTE_LIMITS: Record<string, RouteLimit> = {
  "PATCH /channels/:channel_id/messages/:message_id": { limit: 5, windowMs: 5_000 },
  "DELETE /channels/:channel_id/messages/:message_id": { limit: 5, windowMs: 1_000 },
  "PUT /channels/:channel_id/messages/:message_id/reactions/:emoji/@me": { limit: 1, windowMs: 250 },
  "DELETE /channels/:channel_id/messages/:message_id/reactions/:emoji/@me": { limit: 1, windowMs: 250 },
  "POST /webhooks/:application_id/:webhook_token": { limit: 5, windowMs: 2_000 },
  "PATCH /webhooks/:application_id/:webhook_token/messages/:message_id": { limit: 5, windowMs: 2_000 },
};
const DEFAULT_LIMIT: RouteLimit = { limit: 50, windowMs: 1_000 };

/**
 * A local stand-in for Discord's HTTP API and gateway that the unmodified discord.js client talks
 * to. Tests seed guilds and members, drive users' actions (commands, reactions), read what the bot
 * did, and inject faults. See docs/emulator.md.
 */
export class DiscordEmulator {
  readonly token: string;
  readonly world: World;
  readonly requests: RecordedRequest[] = [];
  /** Requests to routes the emulator does not know: answered 404 at once. */
  readonly unknownRoutes: RecordedRequest[] = [];
  readonly #core: EmulatorCore;
  readonly #gateway: Gateway;
  readonly #interactions: InteractionRegistry;
  readonly #commands: CommandStore;
  readonly #faults = new FaultInjector();
  readonly #stats = new TrafficStats();
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #requestWaiters = new Set<() => void>();
  #port = 0;

  private constructor(options: EmulatorOptions) {
    this.world = new World({ botName: options.botName ?? "newsdesk" });
    const bot = this.world.botUser;
    this.token =
      options.token ??
      `${Buffer.from(bot.id).toString("base64url")}.${randomBytes(4).toString("base64url")}.${randomBytes(27).toString("base64url")}`;
    const privilegedIntents =
      options.privilegedIntents ??
      GatewayIntentBits.GuildMembers | GatewayIntentBits.GuildPresences | GatewayIntentBits.MessageContent;
    this.#gateway = new Gateway({
      token: this.token,
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41_250,
      privilegedIntents,
      url: () => this.gatewayUrl,
      resumeWindowMs: options.resumeWindowMs ?? 120_000,
      readyPayload: (session) => {
        const [shardId, count] = session.shard;
        const guildIds = [...this.world.guilds.values()]
          .filter((g) => !g.removed && shardOf(g.id, count) === shardId)
          .map((g) => g.id);
        return {
          ready: {
            user: { ...userJson(bot), verified: true, mfa_enabled: false, flags: 0 },
            application: { id: bot.id, flags: 0 },
            guilds: guildIds.map((id) => ({ id, unavailable: true })),
          },
          guilds: guildIds.map((id) => guildCreateJson(this.world, id)),
        };
      },
    });
    this.#core = new EmulatorCore(this.world, this.#gateway, {
      nonceWindowMs: options.nonceWindowMs ?? 5 * 60_000,
      messageContentEnabled: (privilegedIntents & GatewayIntentBits.MessageContent) !== 0,
    });
    this.#interactions = new InteractionRegistry(this.#core, {
      enforceDefaultMemberPermissions: options.enforceDefaultMemberPermissions ?? false,
    });
    this.#commands = new CommandStore(this.world.ids, bot.id);
    const routeLimits: Record<string, RouteLimit> = {
      ...DEFAULT_ROUTE_LIMITS,
      "POST /channels/:channel_id/messages": options.messageRateLimit ?? { limit: 5, windowMs: 5_000 },
      ...options.routeLimits,
    };
    const log = options.logger ?? silentLogger;
    const handler = createRestHandler({
      core: this.#core,
      interactions: this.#interactions,
      commands: this.#commands,
      limiter: new RateLimiter({
        globalPerSecond: options.globalRateLimit ?? 50,
        limitFor: (method, route) =>
          route.startsWith("/interactions/")
            ? null
            : (routeLimits[`${method} ${route}`] ?? options.defaultRouteLimit ?? DEFAULT_LIMIT),
      }),
      faults: this.#faults,
      stats: this.#stats,
      token: this.token,
      gatewayUrl: () => this.gatewayUrl,
      recommendedShards: () => options.recommendedShards ?? 1,
      maxRequestBytes: options.maxRequestBytes ?? 25 * 1024 * 1024,
      log,
      record: (entry) => {
        log.debug({ method: entry.method, path: entry.path, status: entry.status }, "discord emulator request");
        this.requests.push(entry);
        const max = options.maxRecordedRequests ?? Number.POSITIVE_INFINITY;
        // Trim in batches: shifting one entry per request would copy the whole array each time.
        if (this.requests.length > max * 1.1 + 100) this.requests.splice(0, this.requests.length - max);
        if (entry.route === null) this.unknownRoutes.push(entry);
        for (const wake of this.#requestWaiters) wake();
      },
    });
    this.#server = createServer(handler);
    this.#server.on("upgrade", (req, socket, head) => this.#gateway.handleUpgrade(req, socket, head));
    this.#server.on("connection", (socket) => {
      this.#sockets.add(socket);
      socket.on("close", () => this.#sockets.delete(socket));
    });
  }

  static async start(options: EmulatorOptions = {}): Promise<DiscordEmulator> {
    const emulator = new DiscordEmulator(options);
    await new Promise<void>((resolve, reject) => {
      emulator.#server.once("error", reject);
      emulator.#server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
    });
    emulator.#port = (emulator.#server.address() as AddressInfo).port;
    return emulator;
  }

  get port(): number {
    return this.#port;
  }
  /** What discord.js takes as `rest.api`. */
  get apiUrl(): string {
    return `http://127.0.0.1:${this.#port}/api`;
  }
  get gatewayUrl(): string {
    return `ws://127.0.0.1:${this.#port}`;
  }
  get botUser(): UserRecord {
    return this.world.botUser;
  }
  get applicationId(): string {
    return this.world.botUser.id;
  }

  /* ---------- seeding ---------- */

  /** A guild with @everyone, the bot's managed role and the bot as a member. Dispatched if clients are connected. */
  createGuild(input: {
    name: string;
    id?: string;
    everyonePermissions?: bigint;
    botPermissions?: bigint;
  }): SeededGuild {
    const guild = this.world.addGuild(input);
    const botRole = this.world.guildRoles(guild.id).find((r) => r.botId)!;
    this.#gateway.dispatch("GUILD_CREATE", () => guildCreateJson(this.world, guild.id), {
      guildId: guild.id,
      intent: GatewayIntentBits.Guilds,
    });
    return { id: guild.id, name: guild.name, everyoneRoleId: guild.id, botRoleId: botRole.id, ownerId: guild.ownerId };
  }

  createChannel(
    guildId: string,
    input: { name: string; type?: ChannelType.GuildText | ChannelType.GuildAnnouncement; id?: string; topic?: string },
  ): ChannelRecord {
    const channel = this.world.addChannel(guildId, input);
    this.#gateway.dispatch("CHANNEL_CREATE", () => channelJson(channel), {
      guildId,
      intent: GatewayIntentBits.Guilds,
    });
    return structuredClone(channel);
  }

  createRole(guildId: string, input: { name: string; permissions?: bigint; id?: string }): string {
    return this.world.addRole(guildId, input).id;
  }

  /** A user who is a member of the guild (created unless `userId` names an existing one). */
  createMember(guildId: string, input: MemberSeed = {}): UserRecord {
    const user =
      (input.userId ? this.world.users.get(input.userId) : undefined) ??
      this.world.addUser({
        username: input.username ?? `user${this.world.users.size}`,
        ...(input.userId ? { id: input.userId } : {}),
      });
    this.world.addMember(guildId, user.id, input.roleIds ?? []);
    return { ...user };
  }

  createEmoji(guildId: string, name: string, animated = false): string {
    const id = this.world.ids.next();
    this.world.emojis.set(id, { id, name, guildId, animated });
    return `${name}:${id}`;
  }

  /** Allows or denies permissions to the bot in one channel (a member overwrite, as a server admin would). */
  setBotChannelPermissions(channelId: string, change: { allow?: bigint; deny?: bigint }): void {
    this.setChannelOverwrite(channelId, { id: this.world.botUser.id, type: OverwriteType.Member, ...change });
  }

  setChannelOverwrite(
    channelId: string,
    overwrite: { id: string; type: OverwriteType; allow?: bigint; deny?: bigint },
  ): void {
    this.world.setOverwrite(channelId, {
      id: overwrite.id,
      type: overwrite.type,
      allow: overwrite.allow ?? 0n,
      deny: overwrite.deny ?? 0n,
    });
    const channel = this.world.channels.get(channelId)!;
    this.#gateway.dispatch("CHANNEL_UPDATE", () => channelJson(channel), {
      guildId: channel.guildId,
      intent: GatewayIntentBits.Guilds,
    });
  }

  setRolePermissions(roleId: string, permissions: bigint): void {
    const role = this.world.roles.get(roleId);
    if (!role) throw new Error(`No role ${roleId}`);
    role.permissions = permissions;
  }

  /* ---------- users' actions ---------- */

  /** Runs a registered slash command as a member; the handle awaits what the user sees. */
  runCommand(
    name: string,
    input: { channelId: string; userId: string; options?: OptionValues; subcommand?: string; group?: string },
  ): InteractionHandle {
    const command = this.#command(name, ApplicationCommandType.ChatInput, input.channelId);
    const { options, resolved } = buildOptions(this.#core, command, input.options ?? {}, input);
    return this.#interactions.create({
      type: InteractionType.ApplicationCommand,
      command,
      channelId: input.channelId,
      userId: input.userId,
      data: { options, ...(resolved ? { resolved } : {}), ...this.#guildData(input.channelId) },
    });
  }

  /** Types into an autocomplete option; `handle.choices()` awaits the bot's suggestions. */
  autocomplete(
    name: string,
    input: {
      channelId: string;
      userId: string;
      focused: string;
      options: OptionValues;
      subcommand?: string;
      group?: string;
    },
  ): InteractionHandle {
    const command = this.#command(name, ApplicationCommandType.ChatInput, input.channelId);
    const { options } = buildOptions(this.#core, command, input.options, input);
    return this.#interactions.create({
      type: InteractionType.ApplicationCommandAutocomplete,
      command,
      channelId: input.channelId,
      userId: input.userId,
      data: { options, ...this.#guildData(input.channelId) },
    });
  }

  /** Runs a message context-menu command ("Apps → name") on a message. */
  runMessageCommand(name: string, input: { channelId: string; userId: string; messageId: string }): InteractionHandle {
    const command = this.#command(name, ApplicationCommandType.Message, input.channelId);
    const message = this.world.message(input.channelId, input.messageId);
    if (!message) throw new Error(`No message ${input.messageId} in channel ${input.channelId}`);
    return this.#interactions.create({
      type: InteractionType.ApplicationCommand,
      command,
      channelId: input.channelId,
      userId: input.userId,
      data: {
        target_id: message.id,
        resolved: { messages: resolvedMessage(this.#core, message) },
        ...this.#guildData(input.channelId),
      },
    });
  }

  #guildData(channelId: string) {
    const guildId = this.world.channels.get(channelId)?.guildId;
    return guildId ? { guild_id: guildId } : {};
  }

  #command(name: string, type: ApplicationCommandType, channelId: string): CommandRecord {
    const guildId = this.world.channels.get(channelId)?.guildId ?? null;
    const command = this.#commands.find(guildId, name, type);
    if (!command) throw new Error(`Command "${name}" (type ${type}) is not registered for this guild or globally`);
    return command;
  }

  /** A user posts a message (dispatches MESSAGE_CREATE). */
  postMessage(channelId: string, userId: string, content: string): MessageRecord {
    this.#liveChannel(channelId);
    return structuredClone(this.#core.createMessage({ channelId, authorId: userId, body: { content } }));
  }

  /** A user reacts (dispatches MESSAGE_REACTION_ADD with the member, as Discord does in guilds). */
  addReaction(channelId: string, messageId: string, userId: string, emoji: string): void {
    const message = this.#message(channelId, messageId);
    this.#core.addReaction(message, userId, parseEmoji(this.world, emoji));
  }

  removeReaction(channelId: string, messageId: string, userId: string, emoji: string): void {
    const message = this.#message(channelId, messageId);
    this.#core.removeReaction(message, userId, parseEmoji(this.world, emoji));
  }

  /** Deletes a channel under the bot: CHANNEL_DELETE now, 10003 Unknown Channel for later calls. */
  deleteChannel(channelId: string): void {
    this.#core.deleteChannel(channelId);
  }

  /** Removes the bot from a guild (GUILD_DELETE without `unavailable`). */
  removeGuild(guildId: string): void {
    this.#core.removeGuild(guildId);
  }

  /** A Discord outage for one guild: GUILD_DELETE with `unavailable: true` (the bot is still a member). */
  guildOutage(guildId: string): void {
    this.#gateway.dispatch(
      "GUILD_DELETE",
      { id: guildId, unavailable: true },
      { guildId, intent: GatewayIntentBits.Guilds },
    );
  }

  /** The guild is back: a full GUILD_CREATE, as Discord sends after an outage. */
  guildRecovered(guildId: string): void {
    this.#gateway.dispatch("GUILD_CREATE", () => guildCreateJson(this.world, guildId), {
      guildId,
      intent: GatewayIntentBits.Guilds,
    });
  }

  #liveChannel(channelId: string): ChannelRecord {
    const channel = this.world.liveChannel(channelId);
    if (!channel) throw new Error(`No channel ${channelId}`);
    return channel;
  }

  #message(channelId: string, messageId: string): MessageRecord {
    const message = this.world.message(channelId, messageId);
    if (!message) throw new Error(`No message ${messageId} in channel ${channelId}`);
    return message;
  }

  /* ---------- observing ---------- */

  /** Every message the channel holds, oldest first, with embeds, flags and edit history (copies). */
  messages(channelId: string, options: { includeDeleted?: boolean } = {}): MessageRecord[] {
    return (this.world.messages.get(channelId) ?? [])
      .filter((m) => options.includeDeleted || !m.deleted)
      .map((m) => structuredClone(m));
  }

  message(messageId: string): MessageRecord | undefined {
    const message = this.world.messagesById.get(messageId);
    return message ? structuredClone(message) : undefined;
  }

  /** Resolves once the channel holds a message matching the predicate. */
  waitForMessage(
    channelId: string,
    predicate: (m: MessageRecord) => boolean = () => true,
    timeoutMs = 5_000,
  ): Promise<MessageRecord> {
    return waitFor(this.#core, `a message in channel ${channelId}`, timeoutMs, () => {
      const hit = this.messages(channelId).find(predicate);
      return hit;
    });
  }

  /** Resolves with the first recorded request (past or future) matching the predicate. */
  waitForRequest(predicate: (r: RecordedRequest) => boolean, timeoutMs = 5_000): Promise<RecordedRequest> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const hit = this.requests.find(predicate);
        if (!hit) return;
        done();
        resolve(hit);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`Timed out after ${timeoutMs} ms waiting for a matching request`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.#requestWaiters.delete(check);
      };
      this.#requestWaiters.add(check);
      check();
    });
  }

  /** Registered commands: global (no argument) or one guild's. */
  commands(guildId?: string): CommandRecord[] {
    return structuredClone(this.#commands.list(guildId ?? null));
  }

  get gatewayLog(): readonly GatewayLogEntry[] {
    return this.#gateway.log;
  }

  /** Live gateway sessions: one per connected (or resumable) client shard. */
  sessions(): Array<{ id: string; shard: [number, number]; intents: number; connected: boolean; seq: number }> {
    return [...this.#gateway.sessions.values()].map((s) => ({
      id: s.id,
      shard: s.shard,
      intents: s.intents,
      connected: s.connection !== null,
      seq: s.seq,
    }));
  }

  /** Traffic counters: total and peak requests per second, 429s by reason, injected 5xx. */
  stats() {
    return this.#stats.snapshot();
  }

  /** Waits for the next gateway event of this kind ("identify", "resume", "heartbeat"). */
  waitForGateway(event: "identify" | "resume" | "heartbeat", timeoutMs = 5_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#gateway.off(event, onEvent);
        reject(new Error(`Timed out after ${timeoutMs} ms waiting for gateway ${event}`));
      }, timeoutMs);
      const onEvent = () => {
        clearTimeout(timer);
        resolve();
      };
      this.#gateway.once(event, onEvent);
    });
  }

  /* ---------- faults ---------- */

  /** The next `count` matching requests (or all for `durationMs`) answer 429 with Retry-After. */
  rateLimitStorm(options: StormOptions): void {
    this.#faults.rateLimitStorm(options);
  }

  /** The next `count` matching requests answer `status` (default 500). */
  failNext(count: number, status = 500, routes?: RouteFilter): void {
    this.#faults.failNext(count, status, routes);
  }

  /** Closes gateway connections (all, or one shard's) with a close code. */
  closeGateway(code: number, filter: { shardId?: number } = {}): number {
    return this.#gateway.closeConnections(code, filter);
  }

  stallHeartbeatAck(): void {
    this.#gateway.stallHeartbeatAck();
  }

  invalidateSession(resumable = false): void {
    this.#gateway.invalidateSessions(resumable);
  }

  requestReconnect(): void {
    this.#gateway.requestReconnect();
  }

  /** Moves the emulator's clock forward, e.g. past an interaction's 3 s or 15 min deadline. */
  advanceClock(ms: number): void {
    this.#core.clockOffsetMs += ms;
  }

  /** Terminates every socket and stops listening. Destroy clients first, or they will try to reconnect. */
  async close(): Promise<void> {
    await this.#gateway.close();
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

/** Starts an emulator on 127.0.0.1 (port 0 by default). */
export function startDiscordEmulator(options: EmulatorOptions = {}): Promise<DiscordEmulator> {
  return DiscordEmulator.start(options);
}
