import { readFileSync } from 'node:fs';
import type { Context } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { classifyEvent } from '../../../events/registry.js';
import { EVENT_SCHEMA_VERSION, refusedSchema, withSchemaVersion } from '../../../events/schema-version.js';
import { taskHandler } from '../../../functions/promotion/lambda.js';

const context = { functionName: 'goldsmith-test', awsRequestId: 'req-1' } as Context;
const sample = (kind: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../../../events/samples/${kind}.json`, import.meta.url), 'utf8'));
const withDetail = (event: Record<string, unknown>, extra: Record<string, unknown>) => ({
  ...event,
  detail: { ...(event.detail as object), ...extra },
});

/** Goldsmith's own bus events, each as release 0.2.0 put it (the samples carry no `schemaVersion`). */
const OWN = ['image-promoted', 'base-image-changed', 'image-rejected', 'image-revoked', 'image-rebuild-requested'];

describe("Goldsmith's own events", () => {
  it.each(OWN)('%s: reads release 0.2.0 shape and its own, and refuses a newer one naming both versions', (kind) => {
    const released = sample(kind);
    expect(classifyEvent(released)).toMatchObject({ known: true, valid: true, kind });
    expect(classifyEvent(withDetail(released, { schemaVersion: EVENT_SCHEMA_VERSION }))).toMatchObject({
      valid: true,
      event: { detail: { schemaVersion: 2 } },
    });
    expect(classifyEvent(withDetail(released, { schemaVersion: 3 }))).toMatchObject({
      valid: false,
      reason: expect.stringContaining('detail.schemaVersion: newer than this release reads (2)'),
    });
  });

  it('are stamped with this version when sent; other values are sent as they are', () => {
    expect(withSchemaVersion({ decision: 'approved' })).toEqual({ decision: 'approved', schemaVersion: 2 });
    expect(withSchemaVersion('text')).toBe('text');
  });

  it("refuse a newer task input or bus event of ours, and never look at AWS's own events", () => {
    expect(refusedSchema({ image: 'base', schemaVersion: 3 })).toMatch(/^schemaVersion 3 is newer/);
    expect(refusedSchema({ image: 'base' })).toBeUndefined();
    expect(refusedSchema(withDetail(sample('image-promoted'), { schemaVersion: 7 }))).toMatch(/schemaVersion 7/);
    expect(refusedSchema(withDetail(sample('inspector-finding'), { schemaVersion: 7 }))).toBeUndefined();
  });

  it('a task given a newer input is refused before it runs, with the reason', async () => {
    const task = vi.fn(async () => 'done');
    const handler = taskHandler('load-image', task);
    await expect(handler({ image: 'base', schemaVersion: 3 }, context)).rejects.toThrow(
      'schemaVersion 3 is newer than this release reads (2); sent by a later release',
    );
    expect(task).not.toHaveBeenCalled();
    await expect(handler({ image: 'base' }, context)).resolves.toBe('done');
  });
});
