import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * `newsdesk/0.1.0 (+https://github.com/…)`: publishers see who polls them and where to complain.
 * Read from package.json, found by walking up (the module runs from src/ in tests and dist/src/ when built).
 */
function readUserAgent(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as Record<string, unknown>;
      if (pkg.name === "newsdesk") return `newsdesk/${pkg.version} (+${pkg.homepage})`;
    } catch {
      // no package.json here: keep walking up
    }
    dir = path.dirname(dir);
  }
  return "newsdesk (+https://github.com/newsdesk-bot/newsdesk)";
}

export const USER_AGENT = readUserAgent();
