import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { EventKind } from '../../../events/catalog.js';

const samplesDir = fileURLToPath(new URL('../../../events/samples/', import.meta.url));

/** A fresh copy of `events/samples/<kind>.json`, so a test may mutate it. */
export function sample(kind: EventKind): Record<string, unknown> {
  return JSON.parse(readFileSync(`${samplesDir}${kind}.json`, 'utf8')) as Record<string, unknown>;
}

/** Sets a value at a dotted path (`detail.state.status`, `Records.0.Sns.TopicArn`) in place. */
export function setAt(target: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const keys = path.split('.');
  let node: Record<string, unknown> = target;
  for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
  const last = keys.at(-1) as string;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return target;
}
