import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BUS_EVENTS } from '../../../events/catalog.js';
import { classifyEvent } from '../../../events/registry.js';

const envelopes = Object.values(BUS_EVENTS).map(({ source, detailType }) => ({ source, detailType }));

describe('classifyEvent properties', () => {
  it('never throws on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (raw) => {
        expect(() => classifyEvent(raw)).not.toThrow();
      }),
      { numRuns: 500 },
    );
  });

  it('never throws, and says known, for any detail under a known source and detail-type', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...envelopes),
        fc.jsonValue(),
        fc.jsonValue(),
        ({ source, detailType }, detail, time) => {
          const result = classifyEvent({ source, 'detail-type': detailType, detail, time });
          expect(result.known).toBe(true);
          if (result.known && !result.valid) expect(result.reason).toMatch(/^[^\s:]+: /);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('never throws on objects whose properties throw when read', () => {
    const hostile = new Proxy(
      {},
      {
        has: () => true,
        get: () => {
          throw new Error('boom');
        },
      },
    );
    expect(classifyEvent(hostile)).toEqual({ known: false });
  });
});
