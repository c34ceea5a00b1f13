import { randomBytes } from "node:crypto";
import {
  type APIApplicationCommandOptionChoice,
  ApplicationCommandOptionType,
  type ApplicationCommandType,
  type InteractionResponseType,
  type InteractionType,
  MessageFlags,
  PermissionFlagsBits,
} from "discord-api-types/v10";
import type { EmulatorCore } from "./core.js";
import { channelJson, guildJson, memberJson, messageJson, userJson } from "./json.js";
import type { MessageRecord } from "./world.js";

/** Discord's deadlines for an interaction token. */
export const INITIAL_RESPONSE_MS = 3_000;
export const TOKEN_LIFETIME_MS = 15 * 60_000;

/** A registered application command as the emulator stores it (global or per guild). */
export interface CommandRecord {
  id: string;
  application_id: string;
  guild_id?: string;
  version: string;
  type: ApplicationCommandType;
  name: string;
  description: string;
  options?: CommandOption[];
  default_member_permissions: string | null;
  [key: string]: unknown;
}

interface CommandOption {
  type: ApplicationCommandOptionType;
  name: string;
  options?: CommandOption[];
  [key: string]: unknown;
}

export interface InteractionRecord {
  id: string;
  token: string;
  applicationId: string;
  type: InteractionType;
  commandName: string;
  commandType: ApplicationCommandType;
  guildId: string | null;
  channelId: string;
  userId: string;
  /** Emulator clock time of creation: the 3 s and 15 min deadlines run from here. */
  createdAt: number;
  /** The callback type of the initial response, once there is one. */
  responseType: InteractionResponseType | null;
  originalMessageId: string | null;
  followupIds: string[];
  choices: APIApplicationCommandOptionChoice[] | null;
}

/** Option values a test passes; types come from the registered command's definition. */
export type OptionValues = Record<string, string | number | boolean>;

/**
 * What a test gets back from `runCommand`: ways to await what the invoking user would see.
 */
export interface InteractionHandle {
  readonly id: string;
  readonly token: string;
  readonly record: InteractionRecord;
  /**
   * The first answer the user can read: a reply, a deferred reply once filled in (edit of
   * `@original` or first follow-up), or a follow-up. Rejects after `timeoutMs`.
   */
  response(timeoutMs?: number): Promise<MessageRecord>;
  /** The autocomplete choices the bot answered with. */
  choices(timeoutMs?: number): Promise<APIApplicationCommandOptionChoice[]>;
  /** Resolves with the initial callback type (reply, defer, autocomplete…). */
  acknowledged(timeoutMs?: number): Promise<InteractionResponseType>;
  /** The original response and follow-ups as they are now (edits applied), oldest first. */
  messages(): MessageRecord[];
}

export class InteractionRegistry {
  readonly byId = new Map<string, InteractionRecord>();
  readonly byToken = new Map<string, InteractionRecord>();

  constructor(
    private readonly core: EmulatorCore,
    private readonly options: { enforceDefaultMemberPermissions: boolean } = { enforceDefaultMemberPermissions: false },
  ) {}

  /** Builds and dispatches INTERACTION_CREATE to the shard owning the guild; returns the handle. */
  create(input: {
    type: InteractionType;
    command: CommandRecord;
    channelId: string;
    userId: string;
    data: Record<string, unknown>;
  }): InteractionHandle {
    const { world } = this.core;
    const channel = world.channels.get(input.channelId);
    if (!channel) throw new Error(`No channel ${input.channelId}`);
    const guildId = channel.guildId;
    const user = world.users.get(input.userId);
    if (!user) throw new Error(`No user ${input.userId}`);
    const member = guildId ? world.member(guildId, input.userId) : undefined;
    if (guildId && !member) throw new Error(`User ${input.userId} is not a member of guild ${guildId}`);
    // Discord hides a command from members without its default_member_permissions unless a server
    // admin grants it to them (Integrations settings, not modelled), so this check is opt-in.
    const required = this.options.enforceDefaultMemberPermissions ? input.command.default_member_permissions : null;
    const perms = guildId ? world.permissionsIn(user.id, channel.id) : 0n;
    if (guildId && (perms & PermissionFlagsBits.UseApplicationCommands) === 0n) {
      throw new Error(`${user.username} cannot use application commands in #${channel.name}`);
    }
    if (guildId && required !== null) {
      const needed = BigInt(required);
      const allowed = needed === 0n ? (perms & PermissionFlagsBits.Administrator) !== 0n : (perms & needed) === needed;
      if (!allowed) {
        throw new Error(`${user.username} cannot use /${input.command.name}: it needs permissions ${required}`);
      }
    }

    const record: InteractionRecord = {
      id: world.ids.next(),
      token: `aW50ZXJhY3Rpb24${randomBytes(48).toString("base64url")}`,
      applicationId: world.botUser.id,
      type: input.type,
      commandName: input.command.name,
      commandType: input.command.type,
      guildId,
      channelId: channel.id,
      userId: user.id,
      createdAt: this.core.now(),
      responseType: null,
      originalMessageId: null,
      followupIds: [],
      choices: null,
    };
    this.byId.set(record.id, record);
    this.byToken.set(record.token, record);

    const payload: Record<string, unknown> = {
      id: record.id,
      application_id: record.applicationId,
      type: input.type,
      data: { id: input.command.id, name: input.command.name, type: input.command.type, ...input.data },
      channel_id: channel.id,
      // discord.js drops interactions without these (or leaves interaction.channel null).
      channel: { ...channelJson(channel), permissions: world.permissionsIn(user.id, channel.id).toString() },
      token: record.token,
      version: 1,
      locale: "en-US",
      entitlements: [],
      authorizing_integration_owners: guildId ? { "0": guildId } : { "1": user.id },
      context: guildId ? 0 : 1,
      attachment_size_limit: 10 * 1024 * 1024,
      app_permissions: (guildId ? world.permissionsIn(world.botUser.id, channel.id) : 0n).toString(),
    };
    if (guildId && member) {
      const guild = guildJson(world, guildId);
      payload.guild_id = guildId;
      payload.guild = { id: guildId, locale: "en-US", features: guild.features };
      payload.guild_locale = "en-US";
      payload.member = {
        ...memberJson(world, member),
        permissions: world.permissionsIn(user.id, channel.id).toString(),
      };
    } else {
      payload.user = userJson(user);
    }
    this.core.gateway.dispatch("INTERACTION_CREATE", payload, { guildId });
    return this.#handle(record);
  }

  #handle(record: InteractionRecord): InteractionHandle {
    const { core } = this;
    const visible = () => this.messagesOf(record).find((m) => !(m.flags & MessageFlags.Loading));
    return {
      id: record.id,
      token: record.token,
      record,
      response: (timeoutMs = 5_000) =>
        this.#unlessUnanswered(
          record,
          waitFor(core, "interaction response", timeoutMs, () => clone(visible())),
        ),
      choices: (timeoutMs = 5_000) =>
        this.#unlessUnanswered(
          record,
          waitFor(core, "autocomplete choices", timeoutMs, () => record.choices ?? undefined),
        ),
      acknowledged: (timeoutMs = 5_000) =>
        this.#unlessUnanswered(
          record,
          waitFor(core, "interaction acknowledgement", timeoutMs, () => record.responseType ?? undefined),
        ),
      messages: () => this.messagesOf(record).map((m) => clone(m)!),
    };
  }

  /**
   * Fails as soon as the 3 s deadline passes with no callback, with the message a user would see,
   * rather than after the caller's (longer) timeout.
   */
  #unlessUnanswered<T>(record: InteractionRecord, waiting: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      const check = () => {
        if (record.responseType !== null) return;
        const left = record.createdAt + INITIAL_RESPONSE_MS - this.core.now();
        if (left > 0) {
          timer = setTimeout(check, left + 5);
          return;
        }
        reject(new Error(`/${record.commandName}: the application did not respond (no callback within 3 s)`));
      };
      check();
    });
    return Promise.race([waiting, deadline]).finally(() => clearTimeout(timer));
  }

  messagesOf(record: InteractionRecord): MessageRecord[] {
    const ids = [record.originalMessageId, ...record.followupIds].filter((id): id is string => id !== null);
    return ids
      .map((id) => this.core.world.messagesById.get(id))
      .filter((m): m is MessageRecord => m !== undefined && !m.deleted);
  }
}

function clone<T>(value: T | undefined): T | undefined {
  return value === undefined ? undefined : structuredClone(value);
}

/** Resolves when `probe` returns something, re-checking after each message/interaction change. */
export function waitFor<T>(
  core: EmulatorCore,
  what: string,
  timeoutMs: number,
  probe: () => T | undefined,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const check = () => {
      const value = probe();
      if (value === undefined) return;
      cleanup();
      resolve(value);
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      core.events.off("message", check);
      core.events.off("interaction", check);
    };
    core.events.on("message", check);
    core.events.on("interaction", check);
    check();
  });
}

/**
 * Turns `{ name: value }` into the option tree Discord sends, typed from the command's definition,
 * with `resolved` entries for channel/user/role options.
 */
export function buildOptions(
  core: EmulatorCore,
  command: CommandRecord,
  values: OptionValues,
  path: { subcommand?: string; group?: string; focused?: string } = {},
): { options: unknown[]; resolved?: Record<string, Record<string, unknown>> } {
  let defs = command.options ?? [];
  const wrap: Array<{ type: ApplicationCommandOptionType; name: string }> = [];
  if (path.group) {
    const group = defs.find((o) => o.name === path.group && o.type === ApplicationCommandOptionType.SubcommandGroup);
    if (!group) throw new Error(`/${command.name} has no subcommand group ${path.group}`);
    wrap.push({ type: group.type, name: group.name });
    defs = group.options ?? [];
  }
  if (path.subcommand) {
    const sub = defs.find((o) => o.name === path.subcommand && o.type === ApplicationCommandOptionType.Subcommand);
    if (!sub) throw new Error(`/${command.name} has no subcommand ${path.subcommand}`);
    wrap.push({ type: sub.type, name: sub.name });
    defs = sub.options ?? [];
  }
  const resolved: Record<string, Record<string, unknown>> = {};
  const leaf = Object.entries(values).map(([name, value]) => {
    const def = defs.find((o) => o.name === name);
    if (!def) throw new Error(`/${command.name} has no option ${name}`);
    const option: Record<string, unknown> = { name, type: def.type, value };
    if (path.focused === name) option.focused = true;
    addResolved(core, def.type, String(value), resolved);
    return option;
  });
  let options: unknown[] = leaf;
  for (const level of wrap.reverse()) options = [{ ...level, options }];
  return Object.keys(resolved).length > 0 ? { options, resolved } : { options };
}

function addResolved(
  core: EmulatorCore,
  type: ApplicationCommandOptionType,
  id: string,
  resolved: Record<string, Record<string, unknown>>,
): void {
  const { world } = core;
  if (type === ApplicationCommandOptionType.Channel) {
    const channel = world.channels.get(id);
    if (!channel) throw new Error(`No channel ${id}`);
    const json = channelJson(channel);
    resolved.channels ??= {};
    resolved.channels[id] = {
      id,
      name: channel.name,
      type: channel.type,
      permissions: world.permissionsIn(world.botUser.id, id).toString(),
      ...(json.parent_id ? { parent_id: json.parent_id } : {}),
      ...(json.thread_metadata ? { thread_metadata: json.thread_metadata } : {}),
    };
  } else if (type === ApplicationCommandOptionType.User || type === ApplicationCommandOptionType.Mentionable) {
    const user = world.users.get(id);
    if (!user) return;
    resolved.users ??= {};
    resolved.users[id] = userJson(user);
  } else if (type === ApplicationCommandOptionType.Role) {
    const role = world.roles.get(id);
    if (!role) return;
    resolved.roles ??= {};
    resolved.roles[id] = { id, name: role.name, permissions: role.permissions.toString() };
  }
}

/** The `resolved.messages` entry of a message context-menu command. */
export function resolvedMessage(core: EmulatorCore, message: MessageRecord) {
  return { [message.id]: messageJson(core.world, message) };
}
