import { distance } from "fastest-levenshtein";
import type { TopicConfig } from "../config/schema.js";

type Topic = Pick<TopicConfig, "slug" | "name" | "description">;

/** Autocomplete choices for a topic option: prefix matches first, then substring matches (Discord shows 25). */
export function topicChoices(topics: readonly Topic[], typed: string): Array<{ name: string; value: string }> {
  const q = typed.trim().toLowerCase();
  const score = (t: Topic) => {
    const slug = t.slug;
    const name = t.name.toLowerCase();
    if (!q) return 0;
    if (slug.startsWith(q) || name.startsWith(q)) return 0;
    if (slug.includes(q) || name.includes(q)) return 1;
    return 2;
  };
  return topics
    .map((t) => ({ t, s: score(t) }))
    .filter(({ s }) => s < 2)
    .sort((a, b) => a.s - b.s || a.t.slug.localeCompare(b.t.slug))
    .slice(0, 25)
    .map(({ t }) => ({ name: `${t.name} (${t.slug})`.slice(0, 100), value: t.slug }));
}

/** Topics whose slug or name is close to what was typed, closest first. */
export function closeTopics(topics: readonly Topic[], typed: string, max = 3): Topic[] {
  const q = typed.trim().toLowerCase();
  return topics
    .map((t) => ({
      t,
      d: Math.min(
        distance(q, t.slug),
        distance(q, t.name.toLowerCase()),
        t.slug.includes(q) || q.includes(t.slug) ? 1 : Number.POSITIVE_INFINITY,
      ),
    }))
    .filter(({ d }) => d <= Math.max(2, Math.floor(q.length / 2)))
    .sort((a, b) => a.d - b.d)
    .slice(0, max)
    .map(({ t }) => t);
}

export type TopicResolution = { ok: true; topic: Topic } | { ok: false; message: string };

/** The topic an option names (by slug or display name), or a message listing close matches. */
export function resolveTopic(topics: readonly Topic[], typed: string): TopicResolution {
  const q = typed.trim().toLowerCase();
  const exact = topics.find((t) => t.slug === q || t.name.toLowerCase() === q);
  if (exact) return { ok: true, topic: exact };
  const close = closeTopics(topics, q);
  const hint = close.length
    ? `Did you mean ${close.map((t) => `\`${t.slug}\``).join(", ")}?`
    : `Known topics: ${topics.map((t) => `\`${t.slug}\``).join(", ")}.`;
  return {
    ok: false,
    message: `Unknown topic \`${typed.slice(0, 50).replace(/`/g, "")}\`. ${hint} Use /topics to see them all.`,
  };
}
