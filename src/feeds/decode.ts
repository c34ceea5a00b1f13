import { TextDecoder } from "node:util";

/**
 * Feed bytes → text. Feeds still come in ISO-8859-1 and windows-1252; decoding them as UTF-8 turns
 * every "é" into "\uFFFD". The charset comes from, in order: a byte-order mark, the HTTP
 * Content-Type, the XML declaration, else UTF-8 (the XML default).
 */

function charsetFromContentType(contentType: string | null | undefined): string | null {
  const m = contentType ? /;\s*charset\s*=\s*"?([\w.:-]+)"?/i.exec(contentType) : null;
  return m?.[1] ?? null;
}

function charsetFromBom(bytes: Uint8Array): string | null {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return "utf-8";
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return "utf-16be";
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return "utf-16le";
  return null;
}

function charsetFromXmlDeclaration(bytes: Uint8Array): string | null {
  // The declaration is ASCII by definition and must come first; 200 bytes is plenty.
  const head = new TextDecoder("latin1").decode(bytes.subarray(0, 200));
  const m = /^\s*<\?xml[^>]*?\bencoding\s*=\s*["']([\w.:-]+)["']/i.exec(head);
  return m?.[1] ?? null;
}

function decoderFor(label: string | null): TextDecoder | null {
  if (!label) return null;
  try {
    return new TextDecoder(label);
  } catch {
    return null; // an unknown label: fall through to the next source
  }
}

export function detectCharset(bytes: Uint8Array, contentType?: string | null): string {
  for (const label of [charsetFromBom(bytes), charsetFromContentType(contentType), charsetFromXmlDeclaration(bytes)]) {
    const decoder = decoderFor(label);
    if (decoder) return decoder.encoding;
  }
  return "utf-8";
}

/** WHATWG windows-1252 bytes 0x80–0x9F (the rest of the range is ISO-8859-1, i.e. the byte value). */
const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];

/**
 * Node 20's TextDecoder("windows-1252") silently drops bytes 0x80–0x9F (curly quotes, dashes, €), and
 * "iso-8859-1" is an alias of it. Decode the bytes as Latin-1, then map that range ourselves.
 */
function decodeWindows1252(bytes: Uint8Array): string {
  const latin1 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
  return latin1.replace(/[\u0080-\u009f]/g, (ch) =>
    String.fromCharCode(CP1252_HIGH[ch.charCodeAt(0) - 0x80] as number),
  );
}

/** Decodes a feed body; invalid sequences become U+FFFD rather than failing the whole feed. */
export function decodeFeedBody(bytes: Uint8Array, contentType?: string | null): string {
  const charset = detectCharset(bytes, contentType);
  if (charset === "windows-1252") return decodeWindows1252(bytes);
  return new TextDecoder(charset).decode(bytes);
}
