/**
 * Feed dates are written by hand-rolled templates: RFC 822 with zone names V8 does not know,
 * ISO 8601 without a zone, stray whitespace. Parse what can be parsed; the caller decides what a
 * missing date means.
 */

/** Zone abbreviations seen in feeds that Date.parse does not understand (it knows UT, GMT, EST/EDT, CST/CDT, MST/MDT, PST/PDT, Z). */
const ZONES: Record<string, string> = {
  UTC: "+0000",
  WET: "+0000",
  BST: "+0100",
  CET: "+0100",
  MET: "+0100",
  WEST: "+0100",
  CEST: "+0200",
  MEST: "+0200",
  EET: "+0200",
  EEST: "+0300",
  MSK: "+0300",
  IST: "+0530",
  SGT: "+0800",
  HKT: "+0800",
  JST: "+0900",
  KST: "+0900",
  AEST: "+1000",
  AEDT: "+1100",
  NZST: "+1200",
  NZDT: "+1300",
  AKST: "-0900",
  AKDT: "-0800",
  HST: "-1000",
};

export function parseFeedDate(raw: string | null | undefined): Date | null {
  const input = raw?.trim().replace(/\s+/g, " ");
  if (!input) return null;
  let ms = Date.parse(input);
  if (Number.isNaN(ms)) {
    const fixed = input.replace(/\b([A-Z]{2,5})$/, (zone) => ZONES[zone] ?? zone);
    ms = Date.parse(fixed);
  }
  if (Number.isNaN(ms)) {
    // "Mon, 3 Feb 2025 10:00:00" with a weekday that does not match, or a localized one: drop it.
    ms = Date.parse(input.replace(/^[^\d,]+,\s*/, ""));
  }
  // Years before 1990 or absurdly far out are template bugs, not dates.
  if (Number.isNaN(ms) || ms < Date.UTC(1990, 0, 1) || ms > Date.UTC(2200, 0, 1)) return null;
  return new Date(ms);
}
