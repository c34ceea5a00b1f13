import type { TopicConfig } from "../config/schema.js";

/**
 * Topic keyword rules, compiled once. A rule is a word or phrase matched case-insensitively on word
 * boundaries ("H100" does not match "H1000"), or a regular expression written between slashes.
 */
export interface TopicMatcher {
  /** Slugs of the topics whose `keywords` match the text. */
  tag(text: string): string[];
  /**
   * Curation: may a story with this text be posted to the topic? False when a `block` rule matches,
   * or when `allow` rules exist and none matches. Unknown topics are allowed (nothing to check).
   */
  allows(topic: string, text: string): boolean;
  /** The topic's own minimum quality, when it sets one. */
  minQuality(topic: string): number | undefined;
}

const REGEX_RULE = /^\/(.+)\/([a-z]*)$/s;

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * One regex per rule list. Word boundaries are Unicode-aware lookarounds rather than \b, so rules that
 * start or end with a symbol ("C++", "$1B", "#AI") still match as whole tokens.
 */
export function compileRules(rules: readonly string[]): RegExp | null {
  if (rules.length === 0) return null;
  const parts = rules.map((rule) => {
    const asRegex = REGEX_RULE.exec(rule);
    if (asRegex) return `(?:${asRegex[1]})`;
    const phrase = escapeRegex(rule.trim()).replace(/\s+/g, "\\s+");
    return `(?<![\\p{L}\\p{N}_])${phrase}(?![\\p{L}\\p{N}_])`;
  });
  return new RegExp(parts.join("|"), "iu");
}

export function compileTopicRules(topics: readonly TopicConfig[]): TopicMatcher {
  const compiled = topics.map((t) => ({
    slug: t.slug,
    keywords: compileRules(t.keywords),
    allow: compileRules(t.allow),
    block: compileRules(t.block),
    minQuality: t.minQuality,
  }));
  const bySlug = new Map(compiled.map((c) => [c.slug, c]));
  return {
    tag(text) {
      const out: string[] = [];
      for (const c of compiled) if (c.keywords?.test(text)) out.push(c.slug);
      return out;
    },
    allows(topic, text) {
      const c = bySlug.get(topic);
      if (!c) return true;
      if (c.block?.test(text)) return false;
      return c.allow ? c.allow.test(text) : true;
    },
    minQuality(topic) {
      return bySlug.get(topic)?.minQuality;
    },
  };
}
