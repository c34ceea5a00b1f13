import { describe, expect, it } from "vitest";
import { retryBusy } from "../../src/store/backends/sqlite.js";

const busy = () => Object.assign(new Error("SQLITE_BUSY: database is locked"), { code: "SQLITE_BUSY" });

describe("SQLite writes that meet SQLITE_BUSY without waiting", () => {
  it("runs the statement again until it goes through", async () => {
    let calls = 0;
    const result = await retryBusy(async () => {
      calls++;
      if (calls < 3) throw busy();
      return "written";
    });
    expect(result).toBe("written");
    expect(calls).toBe(3);
  });

  it("gives up after its attempts, with SQLite's own error", async () => {
    let calls = 0;
    const failing = retryBusy(async () => {
      calls++;
      throw busy();
    }, 3);
    await expect(failing).rejects.toMatchObject({ code: "SQLITE_BUSY" });
    expect(calls).toBe(3);
  });

  it("never repeats a statement that failed for another reason", async () => {
    let calls = 0;
    const failing = retryBusy(async () => {
      calls++;
      throw Object.assign(new Error("UNIQUE constraint failed"), { code: "SQLITE_CONSTRAINT" });
    });
    await expect(failing).rejects.toMatchObject({ code: "SQLITE_CONSTRAINT" });
    expect(calls).toBe(1);
  });
});
