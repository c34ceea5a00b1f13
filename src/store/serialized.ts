import { defaultSerialize } from "@keyv/serialize";

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

/**
 * The text @keyv/serialize gives a value differs from JSON.stringify's only where the value holds a
 * string starting with ":" (which it escapes with one more ":"), a Buffer, or something JSON has no
 * text for. In JSON text such a string starts right after `[`, `,`, `:` or `{` (a quote inside a string
 * is escaped), so text with none of these patterns is already Keyv's.
 */
const MAY_DIFFER_FROM_KEYV = /(?:^|[[,:{])":|"type":"Buffer"/;

/**
 * Keyv's serializer for the JSON data the store holds: the same text as @keyv/serialize's, through the
 * runtime's JSON.stringify. The recursive string building of @keyv/serialize made most of the garbage
 * of a poll cycle (~25 kB for each feed's 100-key seen set) and of a story write. Values that may be
 * written differently (see above) go through @keyv/serialize itself, so stored text, and what older
 * versions read, does not change.
 */
export function serialize(data: unknown): string {
  const json = JSON.stringify(data) as string | undefined;
  return json === undefined || MAY_DIFFER_FROM_KEYV.test(json) ? defaultSerialize(data) : json;
}
