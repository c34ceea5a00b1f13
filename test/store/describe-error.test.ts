import { describe, expect, it } from "vitest";
import { describeError } from "../../src/store/describe-error.js";

// Store errors end up in logs and on operators' terminals: one line, and never the password.
describe("describeError", () => {
  const url = "postgres://bot:s3cr%40t@db.internal/newsdesk";

  it("masks the password when a driver echoes the connection string, encoded or not", () => {
    const err = new Error(`cannot parse postgres://bot:s3cr%40t@db.internal/newsdesk (password s3cr@t)`);
    const line = describeError(err, url);
    expect(line).not.toContain("s3cr");
    expect(line).toBe("cannot parse postgres://bot:***@db.internal/newsdesk (password ***)");
  });

  it("joins the causes of an AggregateError, which has no message of its own", () => {
    const refused = (address: string) =>
      Object.assign(new Error(`connect ECONNREFUSED ${address}`), { code: "ECONNREFUSED" });
    const err = new AggregateError([refused("::1:5432"), refused("127.0.0.1:5432"), refused("127.0.0.1:5432")]);
    expect(describeError(err)).toBe("connect ECONNREFUSED ::1:5432; connect ECONNREFUSED 127.0.0.1:5432");
  });

  it("keeps the first line only, and falls back to the error code", () => {
    expect(describeError(new Error("first line\n    at Socket.x (net.js:1:2)"))).toBe("first line");
    expect(describeError(Object.assign(new Error(""), { code: "ETIMEDOUT" }))).toBe("ETIMEDOUT");
    expect(describeError("plain text")).toBe("plain text");
  });
});
