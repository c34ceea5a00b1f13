/**
 * Keyv stores `{"value": …, "expires": epochMs}` serialized as JSON (see @keyv/serialize), with
 * `expires` left out when the entry never expires. These helpers read that envelope the way Keyv does.
 */

/**
 * `expires` is the envelope's last field, so it sits at the very end: `,"expires":N}`. A nested "expires"
 * is always followed by more closing braces, and inside strings its quotes are escaped, so neither matches.
 * Reading the tail avoids parsing a 1 MB value to learn one number.
 */
const TRAILING_EXPIRES = /"expires":(-?\d[\d.eE+-]*)\}$/;

/** When the entry expires (epoch ms), or undefined when it never does or `raw` is not Keyv's envelope. */
export function expiresOf(raw: string): number | undefined {
  const match = TRAILING_EXPIRES.exec(raw.slice(-48));
  return match ? Number(match[1]) : undefined;
}

/** Keyv's rule: an entry is expired once the clock has passed its `expires`. */
export function isExpired(raw: string, now: number): boolean {
  const expires = expiresOf(raw);
  return expires !== undefined && now > expires;
}
