/*
 * Helpers for data kept in typed arrays indexed by small integers (see term-index.ts for why the
 * grouper keeps its data that way): slot reuse, pooled blocks and amortized growth.
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

/**
 * Blocks of power-of-two sizes in pooled typed arrays (their owner keeps the arrays): a freed block is
 * reused for the next request of its size, else the pool grows at its end.
 */
export class BlockAllocator {
  /** Slots handed out at the pool's end so far: the pooled arrays must hold at least this many. */
  used = 0;
  /** Starts of free blocks, by log2 of their size. */
  private readonly free: number[][] = [];

  /** The start of a block of `size` slots (a power of two). */
  allocate(size: number): number {
    const free = this.free[31 - Math.clz32(size)];
    if (free !== undefined && free.length > 0) return free.pop() as number;
    const start = this.used;
    this.used += size;
    return start;
  }

  release(start: number, size: number): void {
    const sizeClass = 31 - Math.clz32(size);
    let free = this.free[sizeClass];
    if (free === undefined) {
      free = [];
      this.free[sizeClass] = free;
    }
    free.push(start);
  }
}

/** A copy of `array` with room for at least `length` elements (doubling, so growth is amortized). */
export function grown<A extends Int32Array | Float64Array | Uint8Array>(array: A, length: number): A {
  if (length <= array.length) return array;
  const bigger = new (array.constructor as new (n: number) => A)(Math.max(length, array.length * 2));
  bigger.set(array);
  return bigger;
}
