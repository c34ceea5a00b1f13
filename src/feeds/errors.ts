/**
 * Why a feed could not be polled. The kind is persisted in the feed's health record and shown by
 * `newsdesk feeds`, so operators can tell a dead URL from a slow server at a glance.
 */
export type FeedErrorKind =
  | "bad_url"
  | "timeout"
  | "too_large"
  | "http_status"
  | "redirect_loop"
  | "too_many_redirects"
  | "network"
  | "read"
  | "parse"
  | "not_a_feed";

export class FeedError extends Error {
  override name = "FeedError";
  constructor(
    readonly kind: FeedErrorKind,
    message: string,
    readonly details: {
      /** HTTP status, for `http_status`. */
      status?: number;
      /** Milliseconds the server asked us to wait (Retry-After on 429/503). */
      retryAfterMs?: number;
      cause?: unknown;
    } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
  }
}

/** Any thrown value as a FeedError, so callers record one shape. */
export function toFeedError(err: unknown, fallback: FeedErrorKind = "network"): FeedError {
  if (err instanceof FeedError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new FeedError(fallback, message, { cause: err });
}
