import { type APIMessage, DiscordAPIError, HTTPError, RateLimitError, type REST, Routes } from "discord.js";
import { DeliveryError, type StorySink } from "../publish/sink.js";
import type { Story } from "../stories/types.js";
import { relatedEmbed, type StoryEmbedOptions, storyEmbed } from "./embeds.js";
import { embedUrl } from "./text.js";

/** Feed text never pings: every message the bot sends carries this. */
export const NO_MENTIONS = { parse: [] } as const;

/** Discord JSON error codes the publisher acts on. */
export const DiscordCode = {
  UnknownChannel: 10003,
  UnknownGuild: 10004,
  UnknownMessage: 10008,
  MissingAccess: 50001,
  MissingPermissions: 50013,
  InvalidFormBody: 50035,
} as const;

/** Maps what discord.js throws to what the publisher should do about it. */
export function classifyDiscordError(err: unknown, explain?: string): DeliveryError {
  if (err instanceof DiscordAPIError) {
    const detail = `${err.message} (code ${err.code}, HTTP ${err.status})`;
    switch (err.code) {
      case DiscordCode.UnknownChannel:
      case DiscordCode.UnknownGuild:
        return new DeliveryError("gone", detail, false, { cause: err });
      case DiscordCode.UnknownMessage:
        return new DeliveryError("message_gone", detail, false, { cause: err });
      case DiscordCode.MissingAccess:
      case DiscordCode.MissingPermissions:
        return new DeliveryError("forbidden", explain ? `${explain} (${detail})` : detail, false, { cause: err });
    }
    if (err.status === 404) return new DeliveryError("gone", detail, false, { cause: err });
    if (err.status === 429 || err.status >= 500) return new DeliveryError("transient", detail, false, { cause: err });
    return new DeliveryError("rejected", detail, false, { cause: err });
  }
  if (err instanceof RateLimitError) {
    return new DeliveryError("transient", `rate limited on ${err.route} for ${err.timeToReset} ms`, false, {
      cause: err,
    });
  }
  if (err instanceof HTTPError) {
    return new DeliveryError("transient", `HTTP ${err.status} from Discord`, false, { cause: err });
  }
  const error = err as NodeJS.ErrnoException;
  // The request may have reached Discord (a timeout, a reset connection): the outcome is unknown.
  const refused = error?.code === "ECONNREFUSED" || error?.code === "ENOTFOUND";
  return new DeliveryError("transient", error?.message ?? String(err), !refused, { cause: err });
}

export interface DiscordSinkOptions extends StoryEmbedOptions {
  rest: REST;
  /** The bot's own user id, to recognise its earlier posts. */
  botUserId: () => string | undefined;
  /** Says which permissions the bot lacks in a channel, from the gateway cache, when it can. */
  explainForbidden?: (channelId: string) => string | undefined;
}

/** Posts and edits story messages through Discord's REST API (the discord.js REST client and its rate limiter). */
export class DiscordStorySink implements StorySink {
  constructor(private readonly opts: DiscordSinkOptions) {}

  private async call<T>(channelId: string, request: () => Promise<unknown>): Promise<T> {
    try {
      return (await request()) as T;
    } catch (err) {
      throw classifyDiscordError(err, this.opts.explainForbidden?.(channelId));
    }
  }

  async post(channelId: string, story: Story, idempotencyKey: string): Promise<{ messageId: string }> {
    const message = await this.call<APIMessage>(channelId, () =>
      this.opts.rest.post(Routes.channelMessages(channelId), {
        body: {
          embeds: [storyEmbed(story, this.opts)],
          allowed_mentions: NO_MENTIONS,
          // Discord answers a repeated nonce with the first message instead of posting again.
          nonce: idempotencyKey,
          enforce_nonce: true,
        },
      }),
    );
    return { messageId: message.id };
  }

  async edit(channelId: string, messageId: string, story: Story): Promise<void> {
    await this.call(channelId, () =>
      this.opts.rest.patch(Routes.channelMessage(channelId, messageId), {
        body: { embeds: [storyEmbed(story, this.opts)], allowed_mentions: NO_MENTIONS },
      }),
    );
  }

  async editRelated(channelId: string, messageId: string, story: Story): Promise<void> {
    await this.call(channelId, () =>
      this.opts.rest.patch(Routes.channelMessage(channelId, messageId), {
        body: { embeds: [relatedEmbed(story, this.opts)], allowed_mentions: NO_MENTIONS },
      }),
    );
  }

  async findRecentPost(channelId: string, story: Story): Promise<string | null> {
    const botId = this.opts.botUserId();
    const urls = new Set([story.lead, ...story.related].map((a) => embedUrl(a.url)).filter((u) => u !== null));
    const messages = await this.call<APIMessage[]>(channelId, () =>
      this.opts.rest.get(Routes.channelMessages(channelId), { query: new URLSearchParams({ limit: "50" }) }),
    );
    const mine = messages.find(
      (m) => (!botId || m.author.id === botId) && m.embeds.some((e) => e.url !== undefined && urls.has(e.url)),
    );
    return mine?.id ?? null;
  }
}
