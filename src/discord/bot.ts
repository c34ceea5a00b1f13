import {
  Client,
  type ClientOptions,
  DefaultRestOptions,
  Events,
  GatewayIntentBits,
  type Interaction,
  type MessageReaction,
  type PartialMessageReaction,
  Partials,
  type PartialUser,
  type User,
} from "discord.js";
import { pacedMakeRequest } from "../scale/gcra.js";
import type { MessageMenuCommand, SlashCommand } from "./command.js";
import { answerError } from "./command.js";
import type { RelatedCoverage } from "./related.js";
import type { BotServices } from "./services.js";

export interface DiscordClientOptions {
  /** REST base, e.g. https://discord.com/api, a REST proxy, or the local emulator. */
  apiUrl: string;
  /** Shards this process runs; all when unset. */
  shards?: number[];
  shardCount?: number;
  /**
   * Requests per second this process allows itself (Discord allows 50 per token); under the limit
   * so network jitter cannot push a burst over it.
   */
  globalRequestsPerSecond?: number;
  /** Extra options (tests lower timeouts); `rest` is merged into the REST options above. */
  overrides?: Partial<ClientOptions>;
}

/**
 * The gateway client. Intents: guilds (channels, permissions) and guild reactions (🔗). No message
 * content and no privileged intents. Partials let reactions on posts from before a restart arrive.
 */
export function createDiscordClient(options: DiscordClientOptions): Client {
  // SHARD_COUNT alone means "all the shards, in this process"; with SHARD_IDS, only those.
  const shardOptions = {
    ...(options.shards !== undefined && { shards: options.shards }),
    ...(options.shardCount !== undefined && { shardCount: options.shardCount }),
  };
  return new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessageReactions],
    partials: [Partials.Message, Partials.Channel, Partials.Reaction, Partials.User],
    allowedMentions: { parse: [] },
    ...shardOptions,
    ...options.overrides,
    rest: {
      api: options.apiUrl,
      // Paced evenly under the budget here; discord.js's own windowed limiter stays as a backstop at Discord's 50.
      ...(options.globalRequestsPerSecond
        ? { makeRequest: pacedMakeRequest(DefaultRestOptions.makeRequest, options.globalRequestsPerSecond) }
        : {}),
      ...options.overrides?.rest,
    },
  });
}

export interface BotWiring {
  services: BotServices;
  slashCommands: readonly SlashCommand[];
  messageMenuCommands: readonly MessageMenuCommand[];
  related: RelatedCoverage;
  /** Called when a channel or guild disappears, to drop its subscriptions and queued deliveries. */
  onChannelGone(channelId: string): Promise<void>;
  onGuildGone(guildId: string): Promise<void>;
}

/** What `wireBot` started and may still be running. */
export interface WiredBot {
  /**
   * Waits (at most `timeoutMs`) for the handlers still running: call it after the client is destroyed
   * and before the store closes, or a 🔗 answer already posted loses its record (and a reaction after a
   * restart would open a second thread).
   */
  drain(timeoutMs: number): Promise<void>;
}

/** Routes interactions to commands, 🔗 reactions to the related-coverage answer, deletions to cleanup. */
export function wireBot(client: Client, wiring: BotWiring): WiredBot {
  const running = new Set<Promise<unknown>>();
  const track = <A extends unknown[]>(handler: (...args: A) => Promise<void>) => {
    return (...args: A): void => {
      const run = handler(...args);
      running.add(run);
      void run.finally(() => running.delete(run));
    };
  };
  const { services } = wiring;
  const log = services.log;
  const slash = new Map(wiring.slashCommands.map((c) => [c.data.name, c]));
  const menus = new Map(wiring.messageMenuCommands.map((c) => [c.data.name, c]));
  const emoji = services.config.settings.discord.relatedEmoji;

  client.on(
    Events.InteractionCreate,
    track(async (interaction: Interaction) => {
      try {
        if (interaction.isAutocomplete()) {
          await slash.get(interaction.commandName)?.autocomplete?.(interaction, services);
        } else if (interaction.isChatInputCommand()) {
          const command = slash.get(interaction.commandName);
          if (!command) throw new Error(`unknown command /${interaction.commandName}`);
          await command.execute(interaction, services);
        } else if (interaction.isMessageContextMenuCommand()) {
          const command = menus.get(interaction.commandName);
          if (!command) throw new Error(`unknown context menu command ${interaction.commandName}`);
          await command.execute(interaction, services);
        }
      } catch (err) {
        log.error({ err, interaction: interaction.id, guild: interaction.guildId }, "interaction failed");
        if (interaction.isChatInputCommand() || interaction.isMessageContextMenuCommand()) {
          await answerError(
            interaction,
            "Something went wrong on my side; it has been logged. Try again in a minute.",
          ).catch((e) => log.warn({ err: e }, "could not tell the user about the failure"));
        }
      }
    }),
  );

  client.on(
    Events.MessageReactionAdd,
    track(async (reaction: MessageReaction | PartialMessageReaction, user: User | PartialUser) => {
      try {
        // Partial reactions carry the emoji and ids already: no fetch needed to decide.
        if (user.bot || reaction.emoji.name !== emoji || !reaction.message.guildId) return;
        const outcome = await wiring.related.onReaction(reaction.message.channelId, reaction.message.id, user.id);
        log.debug({ message: reaction.message.id, user: user.id, outcome }, "related reaction");
      } catch (err) {
        log.error({ err, message: reaction.message.id }, "related-coverage answer failed");
      }
    }),
  );

  client.on(
    Events.ChannelDelete,
    track(async (channel) => {
      await wiring.onChannelGone(channel.id).catch((err) => log.error({ err, channel: channel.id }, "cleanup failed"));
    }),
  );
  client.on(
    Events.GuildDelete,
    track(async (guild) => {
      // discord.js reports outages as GuildUnavailable; GuildDelete means the bot left or was removed.
      await wiring.onGuildGone(guild.id).catch((err) => log.error({ err, guild: guild.id }, "cleanup failed"));
    }),
  );
  client.on(Events.Error, (err) => log.error({ err }, "discord client error"));
  client.on(Events.Warn, (message) => log.warn({ message }, "discord client warning"));
  client.on(Events.ShardDisconnect, (event, shard) => log.warn({ shard, code: event.code }, "gateway disconnected"));
  client.on(Events.ShardResume, (shard) => log.info({ shard }, "gateway resumed"));

  return {
    async drain(timeoutMs) {
      if (running.size === 0) return;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      });
      await Promise.race([Promise.allSettled([...running]), timeout]);
      clearTimeout(timer);
      if (running.size > 0) log.warn({ running: running.size }, "handlers still running at shutdown");
    },
  };
}
