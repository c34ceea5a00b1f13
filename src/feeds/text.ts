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

/** Exactly the code units `\s` matches in a JavaScript regular expression. */
export function isSpaceCode(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  if (c < 0xa0) return false;
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/**
 * Whether collapsing would only trim: no invisible character, no whitespace but single U+0020 spaces.
 * Text extracted from markup usually is; a scan costs a fraction of the regular-expression replace.
 */
function onlySingleSpaces(text: string): boolean {
  let previousSpace = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x20) {
      if (previousSpace) return false;
      previousSpace = true;
      continue;
    }
    previousSpace = false;
    if (c < 0x20 || c === 0x7f || (c >= 0xa0 && (isSpaceCode(c) || (c >= 0x200b && c <= 0x200d) || c === 0x2060)))
      return false;
  }
  return true;
}

export function collapseWhitespace(text: string): string {
  if (onlySingleSpaces(text)) return text.trim();
  // The test is a cheap scan; the replace (a new string) is rarely needed.
  const visible = INVISIBLE.test(text) ? text.replace(INVISIBLE_ALL, "") : text;
  return visible.replace(/\s+/g, " ").trim();
}

/** The length of `text.replace(/\s+/g, " ")`, without building it. */
function collapsedLength(text: string): number {
  let length = 0;
  let previousSpace = false;
  for (let i = 0; i < text.length; i++) {
    const space = isSpaceCode(text.charCodeAt(i));
    if (!space || !previousSpace) length++;
    previousSpace = space;
  }
  return length;
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

/** What one htmlToText call collects; the parser's callbacks write here. */
interface Extraction {
  parts: string[];
  length: number;
  maxText: number;
  hiddenDepth: number;
  firstImage: string | null;
}

let current: Extraction = { parts: [], length: 0, maxText: 0, hiddenDepth: 0, firstImage: null };

/** A block boundary: one space, unless the text already ends with whitespace (collapsing makes it one). */
function separate(x: Extraction): void {
  const last = x.parts[x.parts.length - 1];
  if (last !== undefined && !isSpaceCode(last.charCodeAt(last.length - 1))) x.parts.push(" ");
}

let sharedParser: Parser | null = null;

/**
 * One parser for every call, reset each time: building a parser and its tokenizer per item cost
 * more than tokenizing the few hundred characters an excerpt needs. Calls are synchronous, never nested.
 */
function parser(): Parser {
  sharedParser ??= new Parser(
    {
      onopentag(name, attribs) {
        const x = current;
        if (HIDDEN.has(name)) x.hiddenDepth++;
        else if (BLOCK.has(name)) separate(x);
        else if (name === "img" && x.firstImage === null && x.hiddenDepth === 0 && !isTrackingPixel(attribs)) {
          const src = attribs.src || attribs["data-src"];
          if (src) x.firstImage = src.includes("&") ? decodeHTMLAttribute(src) : src;
        }
      },
      onclosetag(name) {
        const x = current;
        if (HIDDEN.has(name)) x.hiddenDepth = Math.max(0, x.hiddenDepth - 1);
        else if (BLOCK.has(name)) separate(x);
      },
      ontext(text) {
        const x = current;
        if (x.hiddenDepth === 0 && x.length <= x.maxText) {
          x.parts.push(text);
          // Count what survives whitespace collapsing, so indented markup cannot end the text early.
          if (x.maxText !== Number.POSITIVE_INFINITY) x.length += collapsedLength(text);
        }
      },
    },
    // Entities are decoded once on the joined text below: half the cost of decoding token by token.
    { decodeEntities: false, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  return sharedParser;
}

/** HTML (or plain text that may contain entities) → plain text, plus the first image it shows. */
export function htmlToText(html: string | null | undefined, options: HtmlTextOptions = {}): HtmlText {
  if (!html) return { text: "", firstImage: null };
  // Fast path: most titles contain no tags; entities alone need no parser.
  if (!html.includes("<"))
    return { text: collapseWhitespace(html.includes("&") ? decodeHTML(html) : html), firstImage: null };
  const x: Extraction = {
    parts: [],
    length: 0,
    maxText: options.maxText ?? Number.POSITIVE_INFINITY,
    hiddenDepth: 0,
    firstImage: null,
  };
  current = x;
  const p = parser();
  p.reset();
  let complete = true;
  for (let at = 0; at < html.length; at += SLICE) {
    p.write(html.slice(at, at + SLICE));
    if (x.length > x.maxText && (x.firstImage !== null || !options.wantImage)) {
      // What end() would still add is block spaces and text past the budget: nothing that shows.
      complete = false;
      break;
    }
  }
  if (complete) p.end();
  const text = x.parts.join("");
  return { text: collapseWhitespace(text.includes("&") ? decodeHTML(text) : text), firstImage: x.firstImage };
}

const TRAILING_PUNCTUATION = /^[\s,;:.\-–—]$/u;

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
  // The trailing-punctuation replace only when the cut ends in one of those characters.
  if (TRAILING_PUNCTUATION.test(head.charAt(head.length - 1))) head = head.replace(/[\s,;:.\-–—]+$/u, "");
  return `${head}…`;
}
