/*
 * The token hash, in one place because three callers must agree on it: the scanner hashes an ASCII
 * token while lower-casing it, the vocabulary hashes a token string, and the term table hashes a stem.
 */

// FNV-1a over the UTF-16 code units of the lower-cased token.
export const HASH_SEED = 0x811c9dc5;
export const HASH_PRIME = 0x01000193;

/** FNV-1a hash of a string's UTF-16 code units (also the grouper's term table hash). */
export function hashOf(lower: string): number {
  let h = HASH_SEED;
  for (let i = 0; i < lower.length; i++) h = Math.imul(h ^ lower.charCodeAt(i), HASH_PRIME);
  return h;
}

/** The lower case of an ASCII letter (other code units unchanged): no string made per token. */
export function asciiLower(code: number): number {
  return code >= 65 && code <= 90 ? code + 32 : code;
}
