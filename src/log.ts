import pino, { type Logger } from "pino";

export type { Logger };

/**
 * One logger for the process. JSON by default (for log shippers), readable with LOG_PRETTY=1.
 * Secrets are redacted by path so a stray `log.info({ config })` cannot leak a token.
 */
export function createLogger(
  options: { level?: string; pretty?: boolean; destination?: NodeJS.WritableStream } = {},
): Logger {
  const level = options.level ?? process.env.LOG_LEVEL ?? "info";
  const pretty = options.pretty ?? process.env.LOG_PRETTY === "1";
  const base = {
    level,
    redact: {
      paths: [
        "token",
        "*.token",
        "DISCORD_TOKEN",
        "*.DISCORD_TOKEN",
        "headers.authorization",
        "*.headers.authorization",
      ],
      censor: "[redacted]",
    },
  };
  if (pretty) {
    return pino({ ...base, transport: { target: "pino-pretty", options: { colorize: true, destination: 2 } } });
  }
  return pino(base, (options.destination as pino.DestinationStream | undefined) ?? pino.destination(2));
}

/** A logger that drops everything: for tests and library use where the caller does not care. */
export const silentLogger: Logger = pino({ level: "silent" });
