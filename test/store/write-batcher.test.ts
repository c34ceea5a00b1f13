import { describe, expect, it } from "vitest";
import { type BatchedRow, WriteBatcher } from "../../src/store/write-batcher.js";

/** A write function that records each batch and completes when the test says so. */
function recorder() {
  const batches: BatchedRow[][] = [];
  const finish: Array<(err?: Error) => void> = [];
  const write = (rows: BatchedRow[]) =>
    new Promise<void>((resolve, reject) => {
      batches.push(rows);
      finish.push((err) => (err ? reject(err) : resolve()));
    });
  return { batches, finish, write };
}

const tick = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));

describe("WriteBatcher", () => {
  it("writes what was issued together as one batch, and resolves each write once it is written", async () => {
    const r = recorder();
    const batcher = new WriteBatcher(r.write, { delayMs: 5, maxRows: 100 });
    let done = 0;
    const writes = ["a", "b", "c"].map((k) => batcher.set(k, `v${k}`).then(() => done++));
    await tick(20);
    expect(r.batches).toEqual([
      [
        ["a", "va"],
        ["b", "vb"],
        ["c", "vc"],
      ],
    ]);
    expect(done).toBe(0); // not before the database says so
    r.finish[0]?.();
    await Promise.all(writes);
    expect(done).toBe(3);
  });

  it("writes a key set twice once, with its last value, where its last write was", async () => {
    const r = recorder();
    const batcher = new WriteBatcher(r.write, { delayMs: 5, maxRows: 100 });
    const writes = [batcher.set("a", "1"), batcher.set("b", "1"), batcher.set("a", "2")];
    await tick(20);
    r.finish[0]?.();
    await Promise.all(writes);
    expect(r.batches).toEqual([
      [
        ["b", "1"],
        ["a", "2"],
      ],
    ]);
  });

  it("keeps one batch in flight; writes issued meanwhile go in the next one, after it", async () => {
    const r = recorder();
    const batcher = new WriteBatcher(r.write, { delayMs: 5, maxRows: 100 });
    const first = batcher.set("a", "1");
    await tick(20);
    const second = [batcher.set("a", "2"), batcher.set("b", "2")];
    await tick(20);
    expect(r.batches).toHaveLength(1);
    r.finish[0]?.();
    await first;
    await tick(0);
    expect(r.batches[1]).toEqual([
      ["a", "2"],
      ["b", "2"],
    ]);
    r.finish[1]?.();
    await Promise.all(second);
  });

  it("writes at once when a batch is full, and splits what is over the limit", async () => {
    const r = recorder();
    const batcher = new WriteBatcher(r.write, { delayMs: 60_000, maxRows: 2 });
    const writes = ["a", "b", "c"].map((k) => batcher.set(k, k));
    await tick(0);
    expect(r.batches).toEqual([
      [
        ["a", "a"],
        ["b", "b"],
      ],
    ]);
    r.finish[0]?.();
    await tick(0);
    // "c" was issued while the first batch was in flight: it goes next without waiting the delay.
    expect(r.batches[1]).toEqual([["c", "c"]]);
    r.finish[1]?.();
    await Promise.all(writes);
  });

  it("rejects every write of a failed batch, and goes on with the next", async () => {
    const r = recorder();
    const batcher = new WriteBatcher(r.write, { delayMs: 1, maxRows: 100 });
    const failed = [batcher.set("a", "1"), batcher.set("b", "1")];
    await tick(10);
    const later = batcher.set("c", "1");
    r.finish[0]?.(new Error("disk I/O error"));
    for (const write of failed) await expect(write).rejects.toThrow("disk I/O error");
    await tick(0);
    r.finish[1]?.();
    await expect(later).resolves.toBeUndefined();
    expect(r.batches.map((b) => b.map(([k]) => k))).toEqual([["a", "b"], ["c"]]);
  });

  it("flush waits for every write issued before it, across batches, and resolves even when they fail", async () => {
    const r = recorder();
    const batcher = new WriteBatcher(r.write, { delayMs: 60_000, maxRows: 1 });
    const first = batcher.set("a", "1");
    const second = batcher.set("b", "1").catch((err: Error) => err.message);
    let flushed = false;
    const flush = batcher.flush().then(() => {
      flushed = true;
    });
    const later = batcher.set("c", "1");
    await tick(0);
    expect(r.batches).toEqual([[["a", "1"]]]);
    r.finish[0]?.();
    await first;
    await tick(0);
    expect(flushed).toBe(false); // "b" is still being written
    r.finish[1]?.(new Error("disk full"));
    await flush;
    expect(await second).toBe("disk full");
    // "c" came after the flush: not waited for, written next.
    expect(r.batches[2]).toEqual([["c", "1"]]);
    r.finish[2]?.();
    await later;
  });

  it("flush writes what is pending without waiting the delay", async () => {
    const r = recorder();
    const batcher = new WriteBatcher(async (rows) => void r.batches.push(rows), { delayMs: 60_000, maxRows: 100 });
    const write = batcher.set("a", "1");
    await batcher.flush();
    await write;
    expect(r.batches).toEqual([[["a", "1"]]]);
  });
});
