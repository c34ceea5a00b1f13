import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Article } from "../../src/feeds/article.js";

/**
 * B-cubed precision, recall and F1 (Bagga & Baldwin 1998, item-averaged): for each item, the share of
 * its predicted story that belongs to its true story (precision) and the share of its true story
 * found in its predicted story (recall). Written here so tests do not depend on the shared scorer.
 */
export function bcubed(gold: ReadonlyMap<string, string>, pred: ReadonlyMap<string, string>) {
  const cell = new Map<string, number>();
  const goldSize = new Map<string, number>();
  const predSize = new Map<string, number>();
  for (const [id, g] of gold) {
    const p = pred.get(id) ?? `missing:${id}`;
    const key = `${g}\u0000${p}`;
    cell.set(key, (cell.get(key) ?? 0) + 1);
    goldSize.set(g, (goldSize.get(g) ?? 0) + 1);
    predSize.set(p, (predSize.get(p) ?? 0) + 1);
  }
  let precision = 0;
  let recall = 0;
  for (const [key, n] of cell) {
    const [g, p] = key.split("\u0000") as [string, string];
    precision += (n * n) / (predSize.get(p) as number);
    recall += (n * n) / (goldSize.get(g) as number);
  }
  precision /= gold.size;
  recall /= gold.size;
  return { precision, recall, f1: (2 * precision * recall) / (precision + recall) };
}

export interface FixtureArticle {
  id: string;
  story: string;
  title: string;
  excerpt: string;
  url: string;
  provider: { name: string; domain: string };
  publishedAt: string;
  image: string | null;
  topics: string[];
  quality: number;
}

const fixtureFile = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  "..",
  "fixtures",
  "stories",
  "articles.jsonl",
);

/** The project's hand-labelled story set, in arrival order. */
export function loadFixture(): FixtureArticle[] {
  return readFileSync(fixtureFile, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as FixtureArticle);
}

let counter = 0;

/** An article as the feed stage emits it; every field can be overridden. */
export function makeArticle(overrides: Partial<Article> & { title: string }): Article {
  counter++;
  const id = overrides.id ?? `art-${counter}`;
  return {
    id,
    url: `https://${overrides.provider?.domain ?? "example.com"}/${id}`,
    excerpt: "",
    image: null,
    provider: { name: "Example", domain: "example.com" },
    publishedAt: "2026-01-12T10:00:00.000Z",
    topics: [],
    feedId: "example",
    quality: 50,
    guid: null,
    ...overrides,
  };
}

export function provider(domain: string) {
  return { name: domain.split(".")[0] as string, domain };
}
