import { readdirSync, readFileSync } from 'node:fs';
// biome-ignore lint/style/noRestrictedImports: the equivalence test compares our envelopes with Powertools' own
import * as powertools from '@aws-lambda-powertools/parser/schemas';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventBridgeSchema, SnsSchema } from '../../../events/aws-envelopes.js';

const samplesDir = new URL('../../../events/samples/', import.meta.url);
const samples = readdirSync(samplesDir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => ({ name: f, event: JSON.parse(readFileSync(new URL(f, samplesDir), 'utf8')) as unknown }));

const verdict = (schema: { safeParse: (v: unknown) => { success: boolean } }, value: unknown) =>
  schema.safeParse(value).success;

// Mutations an envelope meets in the wild: a field dropped, given the wrong type, or set to something odd.
const oddValue = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.integer(),
  fc.string(),
  fc.constant('2027-01-01T00:00:00Z'),
  fc.constant('not a url'),
  fc.constant('https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe'),
  fc.constant([]),
  fc.constant(['arn:aws:x']),
  fc.constant({}),
);

function mutate(value: unknown, path: readonly string[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  if (typeof value !== 'object' || value === null) return value;
  const [head, ...rest] = path as [string, ...string[]];
  const copy: Record<string, unknown> = Array.isArray(value) ? ([...value] as never) : { ...value };
  const next = mutate(copy[head], rest, replacement);
  if (next === undefined) delete copy[head];
  else copy[head] = next;
  return copy;
}

function paths(value: unknown, prefix: string[] = []): string[][] {
  if (typeof value !== 'object' || value === null) return [prefix];
  const entries = Object.entries(value as Record<string, unknown>);
  return [prefix, ...entries.flatMap(([k, v]) => paths(v, [...prefix, k]))];
}

describe('the AWS envelopes restated from Powertools', () => {
  const eventBridge = samples.filter((s) => !s.name.startsWith('amazon-linux'));
  const sns = samples.filter((s) => s.name.startsWith('amazon-linux'));

  it('accepts every documented sample Powertools accepts', () => {
    for (const s of eventBridge) {
      expect(verdict(EventBridgeSchema, s.event), s.name).toBe(verdict(powertools.EventBridgeSchema, s.event));
    }
    // Every sample but the Scheduler's own input (not an EventBridge event) is an EventBridge event.
    expect(eventBridge.filter((s) => verdict(EventBridgeSchema, s.event)).length).toBe(eventBridge.length - 1);
    for (const s of sns) expect(verdict(SnsSchema, s.event), s.name).toBe(true);
  });

  it('accepts and refuses exactly what Powertools does for any mutation of a sample', () => {
    const cases = [
      ...eventBridge.map((s) => ({ event: s.event, ours: EventBridgeSchema, theirs: powertools.EventBridgeSchema })),
      ...sns.map((s) => ({ event: s.event, ours: SnsSchema, theirs: powertools.SnsSchema })),
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...cases).chain((c) => fc.tuple(fc.constant(c), fc.constantFrom(...paths(c.event)), oddValue)),
        ([c, path, replacement]) => {
          const mutated = mutate(c.event, path, replacement);
          expect(verdict(c.ours, mutated)).toBe(verdict(c.theirs, mutated));
        },
      ),
      { numRuns: 400 },
    );
  });
});
