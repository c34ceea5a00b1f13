import { describe, expect, it } from "vitest";
import { parseFeedDate } from "../../src/feeds/dates.js";
import { decodeFeedBody, detectCharset } from "../../src/feeds/decode.js";
import { collapseWhitespace, htmlToText, isSpaceCode, truncateAtWord } from "../../src/feeds/text.js";

describe("htmlToText", () => {
  it("drops scripts and styles, decodes entities, separates blocks and collapses whitespace", () => {
    const html =
      '<style>p{color:red}</style><script>alert("x")</script><h2>Title</h2><p>One&nbsp;&amp;\n  two</p><ul><li>a</li><li>b</li></ul>x<br>y';
    expect(htmlToText(html).text).toBe("Title One & two a b x y");
  });

  it("keeps inline elements inside words", () => {
    expect(htmlToText("<p>Ex<b>cep</b>tional <a href='/x'>link</a></p>").text).toBe("Exceptional link");
  });

  it("finds the first real image, skipping 1×1 tracking pixels", () => {
    const html = '<img src="/pixel.gif" width="1" height="1"><p>Text</p><img src="/a.jpg"><img src="/b.jpg">';
    expect(htmlToText(html).firstImage).toBe("/a.jpg");
  });

  it("with a text budget, still collects enough visible text however indented the markup", () => {
    const html = `<div>${Array.from({ length: 200 }, (_, i) => `\n${" ".repeat(40)}<span>w${i}</span>`).join("")}</div>`;
    const { text } = htmlToText(html, { maxText: 450 });
    expect(text.length).toBeGreaterThan(400); // plenty for a 300-character excerpt
    expect(text.startsWith("w0 w1 w2")).toBe(true);
  });

  it("does not take images from inside hidden elements", () => {
    expect(htmlToText("<noscript><img src='/ns.jpg'></noscript>").firstImage).toBeNull();
  });
});

describe("whitespace", () => {
  // The regular-expression definition the fast paths must agree with.
  const byRegExp = (text: string) =>
    text
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u200b-\u200d\u2060\ufeff]/g, "")
      .replace(/\s+/g, " ")
      .trim();

  it("treats as whitespace exactly what \\s matches", () => {
    const differ: string[] = [];
    for (let c = 0; c <= 0xffff; c++)
      if (isSpaceCode(c) !== /\s/.test(String.fromCharCode(c))) differ.push(c.toString(16));
    expect(differ).toEqual([]);
  });

  it("collapses like the regular expressions, whatever characters surround the spaces", () => {
    const specials = [
      " ",
      "  ",
      "\t",
      "\n",
      "\u00a0",
      "\u200b",
      "\ufeff",
      "\u2060",
      "\u3000",
      "\u0007",
      "a",
      "é",
      "字",
      "😀",
    ];
    for (const a of specials)
      for (const b of specials)
        for (const c of specials) {
          const text = `${a}x${b}${c}y${c}${a}`;
          expect(collapseWhitespace(text), JSON.stringify(text)).toBe(byRegExp(text));
        }
    expect(collapseWhitespace(" one two three ")).toBe("one two three");
  });

  it("extracts each document on its own, however the previous one ended", () => {
    expect(htmlToText("<p>first <script>unclosed", { maxText: 450 }).text).toBe("first");
    expect(htmlToText("<div>second <b>bold").text).toBe("second bold");
    const long = `<p>${"word ".repeat(400)}</p><img src="/late.jpg">`;
    expect(htmlToText(long, { maxText: 50 }).text.length).toBeLessThan(600);
    expect(htmlToText("<p>third</p><img src='/third.jpg'>")).toEqual({ text: "third", firstImage: "/third.jpg" });
    expect(htmlToText("AT&amp<br>T").text).toBe("AT& T");
  });
});

describe("truncateAtWord", () => {
  it("leaves short text alone", () => {
    expect(truncateAtWord("short text", 300)).toBe("short text");
  });

  it("cuts at a word boundary, within the limit, with an ellipsis", () => {
    const text = "alpha beta gamma delta epsilon ".repeat(20).trim();
    const cut = truncateAtWord(text, 50);
    expect(cut.length).toBeLessThanOrEqual(50);
    expect(cut.endsWith("…")).toBe(true);
    expect(text.startsWith(cut.slice(0, -1))).toBe(true);
    expect(text[cut.length - 1]).toBe(" ");
  });

  it("cuts a single giant word rather than returning nothing", () => {
    const cut = truncateAtWord("x".repeat(1000), 300);
    expect(cut).toHaveLength(300);
  });

  it("drops punctuation and spaces left before the ellipsis", () => {
    expect(truncateAtWord("alpha beta, gamma delta epsilon", 13)).toBe("alpha beta…");
    expect(truncateAtWord("alpha beta — gamma delta epsilon", 14)).toBe("alpha beta…");
  });

  it("never splits a surrogate pair", () => {
    const cut = truncateAtWord("😀".repeat(400), 300);
    expect(cut.length).toBeLessThanOrEqual(300);
    expect(cut).not.toMatch(/[\ud800-\udbff]…$/);
  });
});

describe("decodeFeedBody", () => {
  const latin1 = Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><t>caf\xe9 na\xefve</t>', "latin1");

  it("uses the XML declaration when HTTP gives no charset", () => {
    expect(decodeFeedBody(latin1, "application/rss+xml")).toContain("café naïve");
  });

  it("prefers the HTTP charset over the XML declaration", () => {
    expect(detectCharset(latin1, "text/xml; charset=UTF-8")).toBe("utf-8");
  });

  it("decodes windows-1252 punctuation (curly quotes, dashes, euro)", () => {
    const bytes = Buffer.from([0x93, 0x48, 0x69, 0x94, 0x20, 0x96, 0x20, 0x80, 0x35, 0x85]);
    expect(decodeFeedBody(bytes, "text/xml; charset=windows-1252")).toBe("“Hi” – €5…");
    expect(decodeFeedBody(bytes, "text/xml; charset=iso-8859-1")).toBe("“Hi” – €5…");
  });

  it("honours a byte-order mark and falls back to UTF-8 for unknown labels", () => {
    expect(detectCharset(Buffer.from([0xff, 0xfe, 0x3c, 0x00]), "text/xml; charset=latin1")).toBe("utf-16le");
    expect(detectCharset(Buffer.from("<rss/>"), "text/xml; charset=klingon")).toBe("utf-8");
  });
});

describe("parseFeedDate", () => {
  it("reads RFC 822, ISO 8601 and zone names Date.parse does not know", () => {
    expect(parseFeedDate("Tue, 06 Jan 2026 09:30:00 GMT")?.toISOString()).toBe("2026-01-06T09:30:00.000Z");
    expect(parseFeedDate("2026-01-06T10:00:00+02:00")?.toISOString()).toBe("2026-01-06T08:00:00.000Z");
    expect(parseFeedDate("Mon, 05 Jan 2026 14:00:00 CEST")?.toISOString()).toBe("2026-01-05T12:00:00.000Z");
    expect(parseFeedDate("Lun, 05 Jan 2026 14:00:00 +0000")?.toISOString()).toBe("2026-01-05T14:00:00.000Z");
  });

  it("returns null for text that is not a date, or a template's zero date", () => {
    expect(parseFeedDate("yesterday-ish")).toBeNull();
    expect(parseFeedDate("")).toBeNull();
    expect(parseFeedDate("Thu, 01 Jan 1970 00:00:00 GMT")).toBeNull();
  });
});
