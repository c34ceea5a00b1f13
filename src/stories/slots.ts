/*
 * Helpers for data kept in typed arrays indexed by small integers (see term-index.ts for why the
 * grouper keeps its data that way): slot reuse and amortized growth.
 */

/** Slots handed out by `next` and taken back by `release`, reused most recent first. */
export class SlotAllocator {
  private readonly free: number[] = [];
  private count = 0;

  next(): number {
    return this.free.length > 0 ? (this.free.pop() as number) : this.count++;
  }

  release(slot: number): void {
    this.free.push(slot);
  }
}

/** A copy of `array` with room for at least `length` elements (doubling, so growth is amortized). */
export function grown<A extends Int32Array | Float64Array | Uint8Array>(array: A, length: number): A {
  if (length <= array.length) return array;
  const bigger = new (array.constructor as new (n: number) => A)(Math.max(length, array.length * 2));
  bigger.set(array);
  return bigger;
}
