/**
 * Natural logarithms of small positive integers, computed once each: IDF takes the log of a story
 * count for every term of every article (and of every centroid term when a norm is recomputed), and
 * `Math.log` is a call into the runtime each time, where a table read is one load.
 */
export class LogTable {
  private logs = new Float64Array(1024).map((_, n) => Math.log(n));

  /** ln(n) for an integer n ≥ 1 (exactly `Math.log(n)`). */
  of(n: number): number {
    if (n >= this.logs.length) this.extend(n);
    return this.logs[n] as number;
  }

  private extend(n: number): void {
    const from = this.logs.length;
    const logs = new Float64Array(Math.max(n + 1, from * 2));
    logs.set(this.logs);
    for (let i = from; i < logs.length; i++) logs[i] = Math.log(i);
    this.logs = logs;
  }
}
