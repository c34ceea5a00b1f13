import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";

/** One outlet of the sample news day (test/fixtures/newsday/feeds.json). */
export interface NewsdayFeed {
  id: string;
  name: string;
  domain: string;
  file: string;
  later: string | null;
  encoding: string;
  topics: string[];
  quality: number;
}

export interface NewsdayServer {
  feeds: NewsdayFeed[];
  url(feedId: string): string;
  /** Serve the later wave (the same feeds a few hours on) from now on. */
  advance(): void;
  close(): Promise<void>;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const RFC822 =
  /\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} (?:[+-]\d{4}|GMT|UT|Z)\b/g;
const ISO = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})/g;

function rfc822(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  const day = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][date.getUTCDay()];
  return `${day}, ${pad(date.getUTCDate())} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}

/** Moves every date in a feed by `shiftMs`, keeping each one's format. */
export function shiftDates(xml: string, shiftMs: number): string {
  const move = (text: string) => new Date(Date.parse(text) + shiftMs);
  return xml
    .replace(RFC822, (m) => (Number.isFinite(Date.parse(m)) ? rfc822(move(m)) : m))
    .replace(ISO, (m) => (Number.isFinite(Date.parse(m)) ? move(m).toISOString() : m));
}

/**
 * Serves the sample news day on 127.0.0.1 with its dates moved so that the day ends `endsAgoMs`
 * before now: the demo's feeds look fresh whatever the date.
 */
export async function startNewsdayServer(dir: string, endsAgoMs = 30 * 60_000): Promise<NewsdayServer> {
  const manifest = JSON.parse(readFileSync(path.join(dir, "feeds.json"), "utf8")) as {
    base: string;
    feeds: NewsdayFeed[];
  };
  // The written day runs to about base + 22:30; end it a little before now.
  const shiftMs = Date.now() - endsAgoMs - (Date.parse(manifest.base) + 23 * 3_600_000);
  let wave: "first" | "later" = "first";
  const byId = new Map(manifest.feeds.map((f) => [f.id, f]));
  const body = (feed: NewsdayFeed): Buffer => {
    const file = wave === "later" && feed.later ? feed.later : feed.file;
    const latin1 = /8859-1|latin/i.test(feed.encoding);
    const raw = readFileSync(path.join(dir, file));
    const text = shiftDates(raw.toString(latin1 ? "latin1" : "utf8"), shiftMs);
    return Buffer.from(text, latin1 ? "latin1" : "utf8");
  };
  const server: Server = createServer((req, res) => {
    const id = /^\/feeds\/([\w-]+)\.xml$/.exec(req.url ?? "")?.[1];
    const feed = id ? byId.get(id) : undefined;
    if (!feed) {
      res.writeHead(404).end();
      return;
    }
    const payload = body(feed);
    res.writeHead(200, { "content-type": "application/rss+xml", "content-length": payload.length });
    res.end(payload);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    feeds: manifest.feeds,
    url: (feedId) => `http://127.0.0.1:${port}/feeds/${feedId}.xml`,
    advance: () => {
      wave = "later";
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
