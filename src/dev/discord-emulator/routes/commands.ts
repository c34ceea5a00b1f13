import { unknownApplicationCommand } from "../errors.js";
import { checkApplication, guildOf, noContent, ok, type RouteContext, type RouteResult } from "./context.js";

/* Application commands, global and per guild. */

export function commandScope(ctx: RouteContext): string | null {
  checkApplication(ctx);
  if (!ctx.params.guild_id) return null;
  const guildId = guildOf(ctx);
  return guildId;
}

export function getCommand(ctx: RouteContext): RouteResult {
  const command = ctx.commands.list(commandScope(ctx)).find((c) => c.id === ctx.params.command_id);
  if (!command) throw unknownApplicationCommand();
  return ok(command);
}

export function deleteCommand(ctx: RouteContext): RouteResult {
  if (!ctx.commands.delete(commandScope(ctx), ctx.params.command_id!)) throw unknownApplicationCommand();
  return noContent;
}
