/**
 * A feed's first poll (without backfill) only records which items exist: it needs their guid, link,
 * title and dates, not their HTML bodies, which are most of the bytes (and most of rss-parser's work).
 * Cutting the body elements out of the text before parsing makes that poll several times cheaper.
 */

/** RSS `description`, `content:encoded`; Atom `content`, `summary`. */
const BODY_ELEMENTS = ["description", "content:encoded", "content", "summary"];

/**
 * The XML text without its body elements, or null when it has none or they cannot be cut out safely
 * (an element left open, a CDATA section or comment never closed): the caller then parses the
 * document as it is.
 * Text content cannot contain a raw `<`, so a closing tag is only ever disguised in CDATA or a comment.
 */
export function withoutItemBodies(xml: string): string | null {
  const kept: string[] = [];
  let copied = 0;
  let at = xml.indexOf("<");
  while (at !== -1 && at < xml.length) {
    if (xml.startsWith("<![CDATA[", at) || xml.startsWith("<!--", at)) {
      const end = skipSpecial(xml, at);
      if (end === -1) return null;
      at = xml.indexOf("<", end);
      continue;
    }
    const name = bodyElementAt(xml, at);
    if (name === null) {
      at = xml.indexOf("<", at + 1);
      continue;
    }
    const end = elementEnd(xml, at, name);
    if (end === -1) return null;
    kept.push(xml.slice(copied, at));
    copied = end;
    at = xml.indexOf("<", end);
  }
  if (copied === 0) return null;
  kept.push(xml.slice(copied));
  return kept.join("");
}

/** The body element whose start tag begins at `at`, if any. */
function bodyElementAt(xml: string, at: number): string | null {
  for (const name of BODY_ELEMENTS) {
    if (!xml.startsWith(name, at + 1)) continue;
    const next = xml.charCodeAt(at + 1 + name.length);
    // 62 >, 47 /, 32 space, 9 tab, 10 LF, 13 CR: the name ends here ("<contents>" is another element).
    if (next === 62 || next === 47 || next === 32 || next === 9 || next === 10 || next === 13) return name;
  }
  return null;
}

/** Index just past the element that starts at `at`, or -1 when it is not closed. */
function elementEnd(xml: string, at: number, name: string): number {
  const tagEnd = xml.indexOf(">", at);
  if (tagEnd === -1) return -1;
  if (xml.charCodeAt(tagEnd - 1) === 47) return tagEnd + 1; // <summary/>
  const close = `</${name}`;
  let i = tagEnd + 1;
  for (;;) {
    const lt = xml.indexOf("<", i);
    if (lt === -1) return -1;
    if (xml.startsWith("<![CDATA[", lt) || xml.startsWith("<!--", lt)) {
      i = skipSpecial(xml, lt);
      if (i === -1) return -1;
      continue;
    }
    if (xml.startsWith(close, lt)) {
      const gt = xml.indexOf(">", lt);
      // Only whitespace may sit between the name and ">" of a closing tag.
      if (gt !== -1 && xml.slice(lt + close.length, gt).trim() === "") return gt + 1;
    }
    i = lt + 1;
  }
}

/** Index just past the CDATA section or comment that starts at `at`, or -1 when it never ends. */
function skipSpecial(xml: string, at: number): number {
  const cdata = xml.startsWith("<![CDATA[", at);
  const terminator = cdata ? "]]>" : "-->";
  const end = xml.indexOf(terminator, at + (cdata ? 9 : 4));
  return end === -1 ? -1 : end + terminator.length;
}
