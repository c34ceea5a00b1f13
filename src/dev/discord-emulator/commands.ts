import { ApplicationCommandType, type RESTPostAPIApplicationCommandsJSONBody } from "discord-api-types/v10";
import type { CommandRecord } from "./interactions.js";
import type { SnowflakeGenerator } from "./snowflake.js";

/**
 * Registered application commands, global and per guild. Re-registering a command with the same
 * name and type keeps its id (Discord does this, and bots rely on it for permissions and links).
 */
export class CommandStore {
  readonly #scopes = new Map<string, CommandRecord[]>();

  constructor(
    private readonly ids: SnowflakeGenerator,
    private readonly applicationId: string,
  ) {}

  list(guildId: string | null): CommandRecord[] {
    return this.#scopes.get(guildId ?? "global") ?? [];
  }

  overwrite(guildId: string | null, bodies: RESTPostAPIApplicationCommandsJSONBody[]): CommandRecord[] {
    const previous = this.list(guildId);
    const next = bodies.map((body) => this.#record(guildId, body, previous));
    this.#scopes.set(guildId ?? "global", next);
    return next;
  }

  /** POST: creates or replaces one command (matched by name and type). */
  upsert(
    guildId: string | null,
    body: RESTPostAPIApplicationCommandsJSONBody,
  ): { command: CommandRecord; created: boolean } {
    const current = this.list(guildId);
    const command = this.#record(guildId, body, current);
    const created = !current.some((c) => c.id === command.id);
    this.#scopes.set(guildId ?? "global", [...current.filter((c) => c.id !== command.id), command]);
    return { command, created };
  }

  delete(guildId: string | null, id: string): boolean {
    const current = this.list(guildId);
    this.#scopes.set(
      guildId ?? "global",
      current.filter((c) => c.id !== id),
    );
    return current.some((c) => c.id === id);
  }

  /** The command a user would see in a guild's picker: guild commands shadow global ones. */
  find(guildId: string | null, name: string, type: ApplicationCommandType): CommandRecord | undefined {
    const match = (c: CommandRecord) => c.name === name && c.type === type;
    return (guildId ? this.list(guildId).find(match) : undefined) ?? this.list(null).find(match);
  }

  #record(
    guildId: string | null,
    body: RESTPostAPIApplicationCommandsJSONBody,
    previous: CommandRecord[],
  ): CommandRecord {
    const type = body.type ?? ApplicationCommandType.ChatInput;
    const existing = previous.find((c) => c.name === body.name && c.type === type);
    return {
      ...(body as unknown as Record<string, unknown>),
      id: existing?.id ?? this.ids.next(),
      application_id: this.applicationId,
      ...(guildId ? { guild_id: guildId } : {}),
      version: this.ids.next(),
      type,
      name: body.name,
      description: "description" in body && body.description ? body.description : "",
      default_member_permissions: body.default_member_permissions ?? null,
      dm_permission: true,
      // Discord keeps what the bot sent and fills in the rest.
      nsfw: (body as { nsfw?: boolean }).nsfw ?? false,
      integration_types: (body as { integration_types?: number[] }).integration_types ?? [0],
      contexts: (body as { contexts?: number[] | null }).contexts ?? null,
    } as CommandRecord;
  }
}
