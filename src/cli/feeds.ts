import { type FeedHealth, FeedStateStore, reenable } from "../feeds/feed-state.js";
import { openFeedRuntime, writeOut } from "../feeds/runtime.js";
import { type CliCommand, UsageError } from "./command.js";

const usage = `Usage: newsdesk feeds [--json] [--enable ID] [--config DIR] [--store URL]

Prints the health of each configured feed: status (ok, failing, disabled, new = never polled), last
success, last error (kind and message), consecutive failures and when it is next due.

Options:
  --json              one JSON object per feed per line, for scripts
  --enable ID         re-enable a feed that was disabled after too many failures (polled at the next cycle)
  --config DIR        configuration folder (default: CONFIG_DIR, else config)
  --store URL         state store (default: STORE_URL, else sqlite://./data/newsdesk.sqlite)
  -h, --help          show this help
`;

export interface FeedRow {
  id: string;
  url: string;
  enabled: boolean;
  status: "ok" | "failing" | "disabled" | "new" | "off";
  lastSuccessAt: string | null;
  lastError: FeedHealth["lastError"];
  consecutiveFailures: number;
  nextDueAt: string | null;
  disabledReason: string | null;
}

/** `2026-01-07T12:00:00.000Z` → `2026-01-07 12:00Z`: minutes are enough to read a table. */
function shortTime(iso: string | null): string {
  return iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}Z` : "-";
}

export function formatTable(rows: readonly FeedRow[]): string {
  const header = ["FEED", "STATUS", "LAST SUCCESS", "FAILS", "NEXT DUE", "LAST ERROR"];
  const cells = rows.map((r) => [
    r.id,
    r.status,
    shortTime(r.lastSuccessAt),
    String(r.consecutiveFailures),
    r.status === "disabled" || r.status === "off" ? "-" : shortTime(r.nextDueAt),
    r.lastError ? `${r.lastError.kind}: ${r.lastError.message}`.replace(/\s+/g, " ") : "-",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? "").length)));
  const line = (c: string[]) =>
    c
      .map((v, i) => (i === c.length - 1 ? v : v.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return `${[line(header), ...cells.map(line)].join("\n")}\n`;
}

export const feedsCommand: CliCommand = {
  name: "feeds",
  summary: "show each feed's health (status, last success, last error, next poll)",
  usage,
  options: {
    json: { type: "boolean" },
    enable: { type: "string" },
    config: { type: "string" },
    store: { type: "string" },
  },
  positionals: false,
  async run({ values }, io) {
    const { config, store } = await openFeedRuntime("feeds", values, io);
    try {
      const state = new FeedStateStore(store);
      if (typeof values.enable === "string") {
        const id = values.enable;
        if (!config.feeds.some((f) => f.id === id)) {
          throw new UsageError(`feeds: no feed "${id}" in the configuration; run \`newsdesk feeds\` for the list`);
        }
        const health = await state.health.get(id);
        if (health) await state.health.set(id, reenable(health, new Date()));
        io.stderr.write(`newsdesk feeds: ${id} ${health?.status === "disabled" ? "re-enabled" : "is enabled"}\n`);
      }
      const healths = await state.health.getMany(config.feeds.map((f) => f.id));
      const rows: FeedRow[] = config.feeds.map((feed, i) => {
        const h = healths[i] && healths[i].url === feed.url ? healths[i] : undefined;
        return {
          id: feed.id,
          url: feed.url,
          enabled: feed.enabled,
          status: !feed.enabled ? "off" : (h?.status ?? "new"),
          lastSuccessAt: h?.lastSuccessAt ?? null,
          lastError: h?.lastError ?? null,
          consecutiveFailures: h?.consecutiveFailures ?? 0,
          nextDueAt: h?.nextDueAt ?? null,
          disabledReason: h?.disabledReason ?? null,
        };
      });
      const text = values.json ? rows.map((r) => `${JSON.stringify(r)}\n`).join("") : formatTable(rows);
      await writeOut(io.stdout, text);
      return 0;
    } finally {
      await store.close();
    }
  },
};
