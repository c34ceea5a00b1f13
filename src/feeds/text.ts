import { decodeHTML, decodeHTMLAttribute } from "entities";
import { Parser } from "htmlparser2";

/** Elements whose content is never text a reader sees. */
const HIDDEN = new Set(["script", "style", "noscript", "template", "head", "title", "iframe", "object", "svg", "math"]);

/**
 * Elements that separate words visually; without a space between them "<p>one</p><p>two</p>" would
 * read as "onetwo".
 */
const BLOCK = new Set([
  "address",
  "article",
  "aside",
  "blockquote",
  "br",
  "dd",
  "div",
  "dl",
  "dt",
  "figcaption",
  "figure",
  "footer",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "header",
  "hr",
  "li",
  "main",
  "nav",
  "ol",
  "p",
  "pre",
  "section",
  "table",
  "td",
  "th",
  "tr",
  "ul",
]);

export interface HtmlText {
  /** Plain text: tags removed, entities decoded, whitespace collapsed. */
  text: string;
  /** `src` of the first `<img>` as written (possibly relative), or null. */
  firstImage: string | null;
}

// Zero-width characters and controls other than whitespace only make matching and display worse.
const INVISIBLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u200b-\u200d\u2060\ufeff]/;
const INVISIBLE_ALL = new RegExp(INVISIBLE.source, "g");

export function collapseWhitespace(text: string): string {
  // The test is a cheap scan; the replace (a new string) is rarely needed.
  const visible = INVISIBLE.test(text) ? text.replace(INVISIBLE_ALL, "") : text;
  return visible.replace(/\s+/g, " ").trim();
}

/** 1×1 images are analytics beacons, not illustrations. */
function isTrackingPixel(attribs: Record<string, string>): boolean {
  return attribs.width === "1" || attribs.height === "1" || attribs.width === "0" || attribs.height === "0";
}

export interface HtmlTextOptions {
  /**
   * Stop once this much text is collected (and an image found, when `wantImage`): an excerpt needs
   * only its first 300 characters, and long articles are the common case.
   */
  maxText?: number;
  /** Keep scanning past maxText for the first image (when the item has no media image). */
  wantImage?: boolean;
}

/** Markup is fed in slices so a long body can be abandoned as soon as enough text is collected. */
const SLICE = 512;

/** HTML (or plain text that may contain entities) → plain text, plus the first image it shows. */
export function htmlToText(html: string | null | undefined, options: HtmlTextOptions = {}): HtmlText {
  if (!html) return { text: "", firstImage: null };
  // Fast path: most titles contain no tags; entities alone need no parser.
  if (!html.includes("<"))
    return { text: collapseWhitespace(html.includes("&") ? decodeHTML(html) : html), firstImage: null };
  const maxText = options.maxText ?? Number.POSITIVE_INFINITY;
  const parts: string[] = [];
  let length = 0;
  let hiddenDepth = 0;
  let firstImage: string | null = null;
  const parser = new Parser(
    {
      onopentag(name, attribs) {
        if (HIDDEN.has(name)) hiddenDepth++;
        else if (BLOCK.has(name)) parts.push(" ");
        else if (name === "img" && firstImage === null && hiddenDepth === 0 && !isTrackingPixel(attribs)) {
          const src = attribs.src || attribs["data-src"];
          if (src) firstImage = src.includes("&") ? decodeHTMLAttribute(src) : src;
        }
      },
      onclosetag(name) {
        if (HIDDEN.has(name)) hiddenDepth = Math.max(0, hiddenDepth - 1);
        else if (BLOCK.has(name)) parts.push(" ");
      },
      ontext(text) {
        if (hiddenDepth === 0 && length <= maxText) {
          parts.push(text);
          // Count what survives whitespace collapsing, so indented markup cannot end the text early.
          length += maxText === Number.POSITIVE_INFINITY ? 0 : text.replace(/\s+/g, " ").length;
        }
      },
    },
    // Entities are decoded once on the joined text below: half the cost of decoding token by token.
    { decodeEntities: false, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  for (let at = 0; at < html.length; at += SLICE) {
    parser.write(html.slice(at, at + SLICE));
    if (length > maxText && (firstImage !== null || !options.wantImage)) break;
  }
  parser.end();
  const text = parts.join("");
  return { text: collapseWhitespace(text.includes("&") ? decodeHTML(text) : text), firstImage };
}

/**
 * Cuts plain text to at most `max` characters at a word boundary, ending with an ellipsis when
 * something was cut. Counts UTF-16 code units, and never splits a surrogate pair.
 */
export function truncateAtWord(text: string, max = 300): string {
  if (text.length <= max) return text;
  const room = max - 1; // the ellipsis takes one character
  let cut = text.lastIndexOf(" ", room);
  // One giant word (a URL, a language without spaces): cut it rather than return nothing.
  if (cut < room * 0.5) cut = room;
  let head = text.slice(0, cut);
  const last = head.charCodeAt(head.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) head = head.slice(0, -1);
  return `${head.replace(/[\s,;:.\-–—]+$/u, "")}…`;
}
