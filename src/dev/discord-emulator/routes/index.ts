import { unknownMember, unknownUser } from "../errors.js";
import { channelJson, currentUserJson, guildJson, memberJson, roleJson, userJson } from "../json.js";
import { validateCommand, validateCommands } from "../validate.js";
import { isThread } from "../world.js";
import { commandScope, deleteCommand, getCommand } from "./commands.js";
import {
  botPermissions,
  channelOf,
  created,
  guildOf,
  noContent,
  ok,
  type RouteContext,
  type RouteDefinition,
} from "./context.js";
import {
  deleteWebhookMessage,
  editWebhookMessage,
  followUp,
  getWebhookMessage,
  interactionCallback,
} from "./interactions.js";
import { createChannelMessage, deleteMessage, editMessage, getMessage, listMessages } from "./messages.js";
import { addOwnReaction, listReactionUsers, removeReaction } from "./reactions.js";
import { startThread, startThreadFromMessage } from "./threads.js";

export type { RouteContext, RouteDefinition, RouteResult } from "./context.js";

const application = (ctx: RouteContext) => {
  const bot = ctx.core.world.botUser;
  return {
    id: bot.id,
    name: bot.username,
    icon: null,
    description: "",
    summary: "",
    type: null,
    bot_public: true,
    bot_require_code_grant: false,
    verify_key: "0".repeat(64),
    flags: 0,
    owner: userJson(ctx.core.world.users.get([...ctx.core.world.guilds.values()][0]?.ownerId ?? bot.id) ?? bot),
    team: null,
    bot: userJson(bot),
    approximate_guild_count: [...ctx.core.world.guilds.values()].filter((g) => !g.removed).length,
    integration_types_config: { "0": {} },
  };
};

export const ROUTES: RouteDefinition[] = [
  { method: "GET", path: "/gateway", auth: false, handler: (ctx) => ok({ url: ctx.gatewayUrl }) },
  {
    method: "GET",
    path: "/gateway/bot",
    auth: true,
    handler: (ctx) =>
      ok({
        url: ctx.gatewayUrl,
        shards: ctx.recommendedShards(),
        session_start_limit: { total: 1000, remaining: 1000, reset_after: 86_400_000, max_concurrency: 1 },
      }),
  },
  { method: "GET", path: "/users/@me", auth: true, handler: (ctx) => ok(currentUserJson(ctx.core.world.botUser)) },
  {
    method: "GET",
    path: "/users/:user_id",
    auth: true,
    handler: (ctx) => {
      const user = ctx.core.world.users.get(ctx.params.user_id!);
      if (!user) throw unknownUser();
      return ok(userJson(user));
    },
  },
  { method: "GET", path: "/applications/@me", auth: true, handler: (ctx) => ok(application(ctx)) },
  { method: "GET", path: "/oauth2/applications/@me", auth: true, handler: (ctx) => ok(application(ctx)) },

  {
    method: "GET",
    path: "/applications/:application_id/commands",
    auth: true,
    handler: (ctx) => ok(ctx.commands.list(commandScope(ctx))),
  },
  {
    method: "PUT",
    path: "/applications/:application_id/commands",
    auth: true,
    handler: (ctx) => ok(ctx.commands.overwrite(commandScope(ctx), validateCommands(ctx.body))),
  },
  {
    method: "POST",
    path: "/applications/:application_id/commands",
    auth: true,
    handler: (ctx) => {
      const { command, created: isNew } = ctx.commands.upsert(commandScope(ctx), validateCommand(ctx.body));
      return isNew ? created(command) : ok(command);
    },
  },
  { method: "GET", path: "/applications/:application_id/commands/:command_id", auth: true, handler: getCommand },
  { method: "DELETE", path: "/applications/:application_id/commands/:command_id", auth: true, handler: deleteCommand },
  {
    method: "GET",
    path: "/applications/:application_id/guilds/:guild_id/commands",
    auth: true,
    major: "guild_id",
    handler: (ctx) => ok(ctx.commands.list(commandScope(ctx))),
  },
  {
    method: "PUT",
    path: "/applications/:application_id/guilds/:guild_id/commands",
    auth: true,
    major: "guild_id",
    handler: (ctx) => ok(ctx.commands.overwrite(commandScope(ctx), validateCommands(ctx.body))),
  },
  {
    method: "POST",
    path: "/applications/:application_id/guilds/:guild_id/commands",
    auth: true,
    major: "guild_id",
    handler: (ctx) => {
      const { command, created: isNew } = ctx.commands.upsert(commandScope(ctx), validateCommand(ctx.body));
      return isNew ? created(command) : ok(command);
    },
  },
  {
    method: "GET",
    path: "/applications/:application_id/guilds/:guild_id/commands/:command_id",
    auth: true,
    major: "guild_id",
    handler: getCommand,
  },
  {
    method: "DELETE",
    path: "/applications/:application_id/guilds/:guild_id/commands/:command_id",
    auth: true,
    major: "guild_id",
    handler: deleteCommand,
  },

  {
    method: "GET",
    path: "/guilds/:guild_id",
    auth: true,
    major: "guild_id",
    handler: (ctx) => ok(guildJson(ctx.core.world, guildOf(ctx))),
  },
  {
    method: "GET",
    path: "/guilds/:guild_id/channels",
    auth: true,
    major: "guild_id",
    handler: (ctx) =>
      ok(
        ctx.core.world
          .guildChannels(guildOf(ctx))
          .filter((c) => !isThread(c))
          .map((c) => channelJson(c)),
      ),
  },
  {
    method: "GET",
    path: "/guilds/:guild_id/roles",
    auth: true,
    major: "guild_id",
    handler: (ctx) => ok(ctx.core.world.guildRoles(guildOf(ctx)).map(roleJson)),
  },
  {
    method: "GET",
    path: "/guilds/:guild_id/members/:user_id",
    auth: true,
    major: "guild_id",
    handler: (ctx) => {
      const member = ctx.core.world.member(guildOf(ctx), ctx.params.user_id!);
      if (!member) throw unknownMember();
      return ok(memberJson(ctx.core.world, member));
    },
  },

  {
    method: "GET",
    path: "/channels/:channel_id",
    auth: true,
    major: "channel_id",
    handler: (ctx) => {
      const channel = channelOf(ctx);
      botPermissions(ctx, channel);
      return ok(channelJson(channel));
    },
  },
  { method: "GET", path: "/channels/:channel_id/messages", auth: true, major: "channel_id", handler: listMessages },
  {
    method: "POST",
    path: "/channels/:channel_id/messages",
    auth: true,
    major: "channel_id",
    handler: createChannelMessage,
  },
  {
    method: "GET",
    path: "/channels/:channel_id/messages/:message_id",
    auth: true,
    major: "channel_id",
    handler: getMessage,
  },
  {
    method: "PATCH",
    path: "/channels/:channel_id/messages/:message_id",
    auth: true,
    major: "channel_id",
    handler: editMessage,
  },
  {
    method: "DELETE",
    path: "/channels/:channel_id/messages/:message_id",
    auth: true,
    major: "channel_id",
    handler: deleteMessage,
  },
  {
    method: "PUT",
    path: "/channels/:channel_id/messages/:message_id/reactions/:emoji/@me",
    auth: true,
    major: "channel_id",
    handler: addOwnReaction,
  },
  {
    method: "DELETE",
    path: "/channels/:channel_id/messages/:message_id/reactions/:emoji/@me",
    auth: true,
    major: "channel_id",
    handler: (ctx) => removeReaction(ctx, ctx.core.world.botUser.id),
  },
  {
    method: "DELETE",
    path: "/channels/:channel_id/messages/:message_id/reactions/:emoji/:user_id",
    auth: true,
    major: "channel_id",
    handler: (ctx) => removeReaction(ctx, ctx.params.user_id!),
  },
  {
    method: "GET",
    path: "/channels/:channel_id/messages/:message_id/reactions/:emoji",
    auth: true,
    major: "channel_id",
    handler: listReactionUsers,
  },
  {
    method: "POST",
    path: "/channels/:channel_id/messages/:message_id/threads",
    auth: true,
    major: "channel_id",
    handler: startThreadFromMessage,
  },
  { method: "POST", path: "/channels/:channel_id/threads", auth: true, major: "channel_id", handler: startThread },
  {
    method: "POST",
    path: "/channels/:channel_id/typing",
    auth: true,
    major: "channel_id",
    handler: (ctx) => {
      botPermissions(ctx, channelOf(ctx));
      return noContent;
    },
  },

  {
    method: "POST",
    path: "/interactions/:interaction_id/:interaction_token/callback",
    auth: false,
    major: "interaction_id",
    handler: interactionCallback,
  },
  {
    method: "POST",
    path: "/webhooks/:application_id/:webhook_token",
    auth: false,
    major: "webhook_token",
    handler: followUp,
  },
  {
    method: "GET",
    path: "/webhooks/:application_id/:webhook_token/messages/:message_id",
    auth: false,
    major: "webhook_token",
    handler: getWebhookMessage,
  },
  {
    method: "PATCH",
    path: "/webhooks/:application_id/:webhook_token/messages/:message_id",
    auth: false,
    major: "webhook_token",
    handler: editWebhookMessage,
  },
  {
    method: "DELETE",
    path: "/webhooks/:application_id/:webhook_token/messages/:message_id",
    auth: false,
    major: "webhook_token",
    handler: deleteWebhookMessage,
  },
];
