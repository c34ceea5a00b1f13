import { type REST, type RESTPostAPIApplicationCommandsJSONBody, Routes } from "discord.js";

/**
 * The parts of a command definition Discord keeps, in a stable form, so "changed?" ignores key order
 * and the fields Discord adds (ids, versions).
 */
export function comparable(command: Record<string, unknown>): string {
  const keep = ["name", "type", "description", "options", "default_member_permissions", "contexts", "nsfw"];
  const normalize = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(normalize);
    if (value && typeof value === "object") {
      return Object.fromEntries(
        Object.entries(value as Record<string, unknown>)
          .filter(([, v]) => v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0))
          // Discord fills in defaults (required: false, nsfw: false); they are not differences.
          .filter(([k, v]) => !((k === "required" || k === "nsfw") && v === false))
          .filter(([k]) => k !== "description_localizations" && k !== "name_localizations")
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([k, v]) => [k, normalize(v)]),
      );
    }
    return value;
  };
  const picked = Object.fromEntries(keep.filter((k) => k in command).map((k) => [k, command[k]]));
  if (picked.type === 1) delete picked.type;
  if (picked.description === "") delete picked.description;
  return JSON.stringify(normalize(picked));
}

export interface DeployResult {
  scope: "guild" | "global";
  changed: boolean;
  count: number;
}

/**
 * Registers the commands for one guild (instant, for development) or globally, and only when they
 * differ from what Discord has: a bulk overwrite on every start would burn a rate-limited route.
 */
export async function deployCommands(
  rest: REST,
  applicationId: string,
  definitions: readonly RESTPostAPIApplicationCommandsJSONBody[],
  guildId?: string,
): Promise<DeployResult> {
  const route = guildId
    ? Routes.applicationGuildCommands(applicationId, guildId)
    : Routes.applicationCommands(applicationId);
  const existing = (await rest.get(route)) as Array<Record<string, unknown>>;
  const want = definitions.map((d) => comparable(d as unknown as Record<string, unknown>)).sort();
  const have = existing.map(comparable).sort();
  const scope = guildId ? "guild" : "global";
  if (JSON.stringify(want) === JSON.stringify(have)) return { scope, changed: false, count: definitions.length };
  await rest.put(route, { body: definitions });
  return { scope, changed: true, count: definitions.length };
}
