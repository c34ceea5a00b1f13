import { RESTJSONErrorCodes } from "discord-api-types/v10";

/** One leaf of Discord's nested `errors` object: `{ code: "BASE_TYPE_MAX_LENGTH", message: "..." }`. */
export interface FieldError {
  code: string;
  message: string;
}

/** A field path as Discord reports it: `["embeds", 0, "title"]`. */
export type FieldPath = ReadonlyArray<string | number>;

/**
 * An error answer, shaped exactly like Discord's JSON error body so discord.js builds the same
 * `DiscordAPIError` (code, status, and a message listing each field path) as in production.
 */
export class DiscordHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly fieldErrors: ReadonlyArray<{ path: FieldPath; error: FieldError }> = [],
  ) {
    super(message);
  }

  toBody(): Record<string, unknown> {
    const body: Record<string, unknown> = { message: this.message, code: this.code };
    if (this.fieldErrors.length > 0) body.errors = nestErrors(this.fieldErrors);
    return body;
  }
}

/** Builds `{ embeds: { "0": { title: { _errors: [...] } } } }` from flat paths. */
function nestErrors(list: ReadonlyArray<{ path: FieldPath; error: FieldError }>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const { path, error } of list) {
    let node = root;
    for (const key of path) {
      const k = String(key);
      node[k] ??= {};
      node = node[k] as Record<string, unknown>;
    }
    node._errors ??= [];
    (node._errors as FieldError[]).push(error);
  }
  return root;
}

export const invalidFormBody = (fieldErrors: ReadonlyArray<{ path: FieldPath; error: FieldError }>) =>
  new DiscordHttpError(400, RESTJSONErrorCodes.InvalidFormBodyOrContentType, "Invalid Form Body", fieldErrors);

export const unknownChannel = () => new DiscordHttpError(404, RESTJSONErrorCodes.UnknownChannel, "Unknown Channel");
export const unknownMessage = () => new DiscordHttpError(404, RESTJSONErrorCodes.UnknownMessage, "Unknown Message");
export const unknownGuild = () => new DiscordHttpError(404, RESTJSONErrorCodes.UnknownGuild, "Unknown Guild");
export const unknownMember = () => new DiscordHttpError(404, RESTJSONErrorCodes.UnknownMember, "Unknown Member");
export const unknownUser = () => new DiscordHttpError(404, RESTJSONErrorCodes.UnknownUser, "Unknown User");
export const unknownEmoji = () => new DiscordHttpError(400, RESTJSONErrorCodes.UnknownEmoji, "Unknown Emoji");
export const unknownWebhook = () => new DiscordHttpError(404, RESTJSONErrorCodes.UnknownWebhook, "Unknown Webhook");
export const unknownApplicationCommand = () =>
  new DiscordHttpError(404, RESTJSONErrorCodes.UnknownApplicationCommand, "Unknown application command");
export const unknownInteraction = () =>
  new DiscordHttpError(404, RESTJSONErrorCodes.UnknownInteraction, "Unknown interaction");
export const alreadyAcknowledged = () =>
  new DiscordHttpError(
    400,
    RESTJSONErrorCodes.InteractionHasAlreadyBeenAcknowledged,
    "Interaction has already been acknowledged.",
  );
export const invalidWebhookToken = () =>
  new DiscordHttpError(401, RESTJSONErrorCodes.InvalidWebhookToken, "Invalid Webhook Token");
export const missingAccess = () => new DiscordHttpError(403, RESTJSONErrorCodes.MissingAccess, "Missing Access");
export const missingPermissions = () =>
  new DiscordHttpError(403, RESTJSONErrorCodes.MissingPermissions, "Missing Permissions");
export const unauthorized = () => new DiscordHttpError(401, 0, "401: Unauthorized");
export const notFound = () => new DiscordHttpError(404, 0, "404: Not Found");
export const emptyMessage = () =>
  new DiscordHttpError(400, RESTJSONErrorCodes.CannotSendAnEmptyMessage, "Cannot send an empty message");
export const cannotEditOthersMessage = () =>
  new DiscordHttpError(
    403,
    RESTJSONErrorCodes.CannotEditMessageAuthoredByAnotherUser,
    "Cannot edit a message authored by another user",
  );
export const threadAlreadyCreated = () =>
  new DiscordHttpError(
    400,
    RESTJSONErrorCodes.ThreadAlreadyCreatedForMessage,
    "A thread has already been created for this message",
  );
