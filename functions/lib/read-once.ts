/** A read made at most once per key, its answer shared by every later ask; see {@link readOnce}. */
export interface ReadOnce<K, V> {
  (key: K): Promise<V>;
  /** Whether `key` was read (or is being read) and kept. */
  has(key: K): boolean;
  /** Forgets the read of `key`: the next ask reads again (what it holds may have changed since). */
  forget(key: K): void;
}

/**
 * `read`, made once per key for one pass of a function over many things (the daily audit's images and versions):
 * every ask after the first is answered from the first read. A read that failed is not kept, so the next ask reads
 * again and one thing's failure stops no other.
 */
export function readOnce<K, V>(read: (key: K) => Promise<V>): ReadOnce<K, V> {
  const kept = new Map<K, Promise<V>>();
  const ask = (key: K): Promise<V> => {
    const held = kept.get(key);
    if (held) return held;
    const answer = read(key);
    kept.set(key, answer);
    answer.catch(() => {
      if (kept.get(key) === answer) kept.delete(key);
    });
    return answer;
  };
  return Object.assign(ask, { has: (key: K) => kept.has(key), forget: (key: K) => void kept.delete(key) });
}
