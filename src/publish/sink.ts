import type { Story } from "../stories/types.js";

/** Where deliveries go. The Discord implementation lives in src/discord/; tests use their own. */
export interface StorySink {
  /**
   * Posts the story; `idempotencyKey` is the same for every attempt at one (story, channel), so a
   * retry after an unknown outcome is answered with the first message instead of a second one.
   */
  post(channelId: string, story: Story, idempotencyKey: string): Promise<{ messageId: string }>;
  edit(channelId: string, messageId: string, story: Story): Promise<void>;
  /** Re-renders a related-coverage answer in place. */
  editRelated(channelId: string, messageId: string, story: Story): Promise<void>;
  /**
   * Looks through the channel's recent messages for a post of this story by us (an earlier attempt
   * whose answer was lost). Returns its id, or null.
   */
  findRecentPost(channelId: string, story: Story): Promise<string | null>;
}

/**
 * How a delivery failed, in the terms that decide what happens next:
 * - `gone`: the channel or guild no longer exists for us → drop the subscription.
 * - `forbidden`: we lack a permission there → pause the subscription, say which.
 * - `message_gone`: the post was deleted by someone → forget it, never repost.
 * - `rejected`: the request itself was refused (a bug on our side) → give up on this delivery.
 * - `transient`: rate limit, 5xx, network → retry later.
 */
export type DeliveryFailure = "gone" | "forbidden" | "message_gone" | "rejected" | "transient";

export class DeliveryError extends Error {
  override name = "DeliveryError";
  constructor(
    readonly failure: DeliveryFailure,
    message: string,
    /** Whether the request may have reached the other side (timeouts, dropped connections). */
    readonly outcomeUnknown = false,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** What a story post shows; when it is unchanged, an edit is skipped. */
export function storySignature(story: Story): string {
  return JSON.stringify([
    story.lead.id,
    story.lead.title,
    story.lead.image,
    story.heat,
    story.related.length,
    [...story.topics].sort(),
  ]);
}

/** What a related-coverage answer shows. */
export function relatedSignature(story: Story): string {
  return JSON.stringify([story.lead.id, ...story.related.map((a) => a.id)]);
}
