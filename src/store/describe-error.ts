/**
 * One line from any driver error, safe for logs: network errors for several addresses arrive as an
 * AggregateError with an empty message, and a driver may echo its connection string, so the password of
 * `url` (as written and URL-decoded) is masked wherever it appears.
 */
export function describeError(err: unknown, url?: string): string {
  if (err instanceof AggregateError && err.errors.length > 0) {
    return [...new Set(err.errors.map((e) => describeError(e, url)))].join("; ");
  }
  const message = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: unknown } | null)?.code;
  const line = (message || (typeof code === "string" ? code : "unknown error")).split("\n")[0]!.trim();
  return url === undefined ? line : hidePassword(line, url);
}

function hidePassword(text: string, url: string): string {
  const password = /^[a-z][a-z0-9+.-]*:\/\/[^:/@]*:([^@/]+)@/i.exec(url)?.[1];
  if (!password) return text;
  let decoded = password;
  try {
    decoded = decodeURIComponent(password);
  } catch {
    // Not percent-encoded: the written form is all there is to hide.
  }
  return text.replaceAll(password, "***").replaceAll(decoded, "***");
}
