/** Reads a simple reference path (`$`, `$.a.b`, `$.a[0].b`) — the subset ASL allows in *Path fields. */
export function readPath(document: unknown, path: string): unknown {
  if (path === '$') return document;
  if (!path.startsWith('$')) throw new Error(`not a reference path: ${path}`);
  const parts = path
    .slice(1)
    .split(/\.|\[(\d+)\]/)
    .filter((p) => p !== undefined && p !== '');
  let current: unknown = document;
  for (const part of parts) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}
