/**
 * Human durations in config and flags ("90s", "15m", "72h", "2d", "1h30m").
 * Config files are written by people; milliseconds are not.
 */
const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const PART = /(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)/gy;

/** Parses a duration string into milliseconds; returns null when it is not one. */
export function parseDuration(text: string): number | null {
  const input = text.trim().toLowerCase();
  if (input === "") return null;
  if (/^\d+$/.test(input)) return Number(input);
  PART.lastIndex = 0;
  let total = 0;
  let consumed = 0;
  for (let m = PART.exec(input); m !== null; m = PART.exec(input)) {
    total += Number(m[1]) * (UNIT_MS[m[2] as string] as number);
    consumed = PART.lastIndex;
    while (input[consumed] === " ") consumed++;
    PART.lastIndex = consumed;
  }
  return consumed === input.length ? total : null;
}

export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${Math.round(ms / 100) / 10}s`;
  if (ms < 3_600_000) return `${Math.round(ms / 6_000) / 10}m`;
  if (ms < 86_400_000) return `${Math.round(ms / 360_000) / 10}h`;
  return `${Math.round(ms / 8_640_000) / 10}d`;
}
