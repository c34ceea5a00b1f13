/**
 * Keyv stores `{"value": …, "expires": epochMs}` serialized as JSON (see @keyv/serialize), with
 * `expires` left out when the entry never expires. These helpers read that envelope the way Keyv does.
 */

/** When the entry expires (epoch ms), or undefined when it never does or `raw` is not Keyv's envelope. */
export function expiresOf(raw: string): number | undefined {
  try {
    const parsed: unknown = JSON.parse(raw);
    if (parsed && typeof parsed === "object" && "expires" in parsed && typeof parsed.expires === "number") {
      return parsed.expires;
    }
  } catch {
    // Not Keyv's envelope: treat as never expiring, as Keyv would fail to read it anyway.
  }
  return undefined;
}

/** Keyv's rule: an entry is expired once the clock has passed its `expires`. */
export function isExpired(raw: string, now: number): boolean {
  const expires = expiresOf(raw);
  return expires !== undefined && now > expires;
}
