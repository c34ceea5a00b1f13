/** One line from any driver error: network errors for several addresses arrive as an AggregateError with no message. */
export function describeError(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length > 0) {
    return [...new Set(err.errors.map(describeError))].join("; ");
  }
  const message = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: unknown })?.code;
  const text = message || (typeof code === "string" ? code : "unknown error");
  return text.split("\n")[0]!.trim();
}
