// A sorted set of strings as a list of sorted chunks (like Python's sortedcontainers): insert and
// delete cost O(log n + chunk size) instead of the O(n) splice of one big array, and a prefix
// range is a binary search then a walk, O(log n + k), never a scan of every key.
// Order is JavaScript's string order (UTF-16 code units), the same everywhere in the store.

const MAX_CHUNK = 1024;

export class SortedKeys {
  private chunks: string[][] = [];
  private count = 0;

  /** Builds from keys already sorted and distinct. */
  static fromSorted(keys: string[]): SortedKeys {
    const s = new SortedKeys();
    for (let i = 0; i < keys.length; i += MAX_CHUNK / 2) s.chunks.push(keys.slice(i, i + MAX_CHUNK / 2));
    s.count = keys.length;
    return s;
  }

  get size(): number {
    return this.count;
  }

  /** Adds key; the caller knows it is absent. */
  insert(key: string): void {
    if (this.chunks.length === 0) {
      this.chunks.push([key]);
      this.count = 1;
      return;
    }
    // Past the last chunk's end: append to the last chunk.
    const ci = Math.min(this.chunkFor(key), this.chunks.length - 1);
    const chunk = this.chunks[ci];
    chunk.splice(lowerBound(chunk, key), 0, key);
    this.count++;
    if (chunk.length > MAX_CHUNK) this.chunks.splice(ci + 1, 0, chunk.splice(MAX_CHUNK / 2));
  }

  /** Removes key if present. */
  delete(key: string): void {
    const ci = this.chunkFor(key);
    const chunk = this.chunks[ci];
    if (!chunk) return;
    const i = lowerBound(chunk, key);
    if (chunk[i] !== key) return;
    chunk.splice(i, 1);
    this.count--;
    if (chunk.length === 0) this.chunks.splice(ci, 1);
  }

  /** Keys >= start, in order. */
  *from(start: string): Generator<string> {
    let ci = this.chunkFor(start);
    if (ci >= this.chunks.length) return;
    let i = lowerBound(this.chunks[ci], start);
    for (; ci < this.chunks.length; ci++, i = 0) {
      const chunk = this.chunks[ci];
      for (; i < chunk.length; i++) yield chunk[i];
    }
  }

  /** Index of the first chunk whose last key is >= key (chunks.length if none). */
  private chunkFor(key: string): number {
    let lo = 0;
    let hi = this.chunks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = this.chunks[mid];
      if (c[c.length - 1] < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

function lowerBound(arr: string[], key: string): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (arr[mid] < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
