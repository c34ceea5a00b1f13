import { escapeMarkdown } from "discord.js";

/**
 * Feed text is untrusted: it must not format, mention or break a post. Mentions are already inert
 * (every message is sent with allowedMentions: { parse: [] }); this makes markdown literal and keeps
 * the text inside Discord's limits.
 */
export function plain(text: string, max = 4096): string {
  // escapeMarkdown's cost grows with the square of the length: cut first (callers truncate again).
  const input = text.length > max + 64 ? text.slice(0, max + 64) : text;
  return escapeMarkdown(input.replace(/\s+/g, " ").trim(), {
    codeBlock: true,
    inlineCode: true,
    bold: true,
    italic: true,
    underline: true,
    strikethrough: true,
    spoiler: true,
    heading: true,
    bulletedList: true,
    numberedList: true,
    maskedLink: true,
  })
    .replace(/@(everyone|here)/gi, "@\u200b$1")
    .replace(/<([@#][!&]?|a?:\w+:)(\d{17,20})>/g, "<\u200b$1$2>");
}

/**
 * Cuts to at most `max` UTF-16 units (never more than Discord counts), at a word boundary when one is
 * near, with an ellipsis, without splitting a surrogate pair.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max - 1);
  if (end > 0 && /[\uD800-\uDBFF]/.test(text[end - 1] ?? "")) end--;
  const cut = text.slice(0, end);
  const space = cut.lastIndexOf(" ");
  const base = space > max * 0.6 ? cut.slice(0, space) : cut;
  // Never leave a dangling escape backslash that would escape the ellipsis.
  return `${base.replace(/\\+$/, "").trimEnd()}…`;
}

/** Text for a markdown link label: brackets would end the label early. */
export function linkLabel(text: string, max: number): string {
  return truncate(
    plain(text, max).replace(/[[\]]/g, (c) => `\\${c}`),
    max,
  );
}

/** A URL Discord accepts in an embed: http(s), at most 2048 characters; null otherwise. */
export function embedUrl(url: string | null | undefined): string | null {
  if (!url || url.length > 2048) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
  } catch {
    return null;
  }
}
