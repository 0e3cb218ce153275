/** Something due at a virtual time; `seq` breaks ties in the order things were scheduled. */
export interface Due {
  readonly at: number;
  readonly seq: number;
}

/** A binary min-heap on (at, seq): O(log n) per item, so months of hourly items stay cheap. */
export class ScheduleHeap<T extends Due> {
  private readonly items: T[] = [];

  get size(): number {
    return this.items.length;
  }

  /** Every item, in no particular order. */
  all(): readonly T[] {
    return this.items;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    this.items.push(item);
    for (let i = this.items.length - 1, p = (i - 1) >> 1; i > 0 && this.less(i, p); i = p, p = (i - 1) >> 1) {
      this.swap(i, p);
    }
  }

  /** Removes the earliest item. */
  pop(): void {
    const last = this.items.pop();
    if (last === undefined || this.items.length === 0) return;
    this.items[0] = last;
    for (let i = 0; ; ) {
      const l = 2 * i + 1;
      const m = l + 1 < this.items.length && this.less(l + 1, l) ? l + 1 : l;
      if (m >= this.items.length || !this.less(m, i)) return;
      this.swap(i, m);
      i = m;
    }
  }

  private less(i: number, j: number): boolean {
    const a = this.items[i]!;
    const b = this.items[j]!;
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private swap(i: number, j: number): void {
    [this.items[i], this.items[j]] = [this.items[j]!, this.items[i]!];
  }
}
