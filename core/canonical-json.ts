const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** One walk for both spellings below: `keepUndefined` writes a key whose value is undefined as null, else drops it. */
function write(value: unknown, keepUndefined: boolean): string {
  if (Array.isArray(value)) return `[${value.map((v) => write(v, keepUndefined)).join(',')}]`;
  if (isRecord(value)) {
    const keys = Object.keys(value)
      .filter((k) => keepUndefined || value[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${write(value[k], keepUndefined)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * JSON with every object's keys sorted: the same value always reads the same, whatever order it was built in. A key
 * whose value is undefined reads `null` (keys already stored in the ledger were made this way).
 */
export function canonical(value: unknown): string {
  return write(value, true);
}

/**
 * JSON with every object's keys sorted, and a key whose value is undefined left out as JSON.stringify leaves it: the
 * text of JSON data after a round trip (the local state machines' journal digests inputs this way).
 */
export function canonicalJson(value: unknown): string {
  return write(value, false);
}
