import { describe, expect, it } from 'vitest';
import { checkRecordedFailure, payloadDigest } from '../../../core/redrive/failed-invocations.js';

const START_BUILDS = 'arn:aws:lambda:us-east-1:111122223333:function:goldsmith-prod-StartBuilds';
const payload = { 'detail-type': 'Scheduled Build', detail: { image: 'base' } };
const letter = { target: START_BUILDS, payload, requestId: 'r-1' };
const recorded = { functionArn: START_BUILDS, digest: payloadDigest(payload), failedAt: '2027-01-14T03:00:00Z' };

describe('checkRecordedFailure', () => {
  it('accepts the failure as its handler recorded it, however the payload keys are ordered', () => {
    const reordered = { detail: { image: 'base' }, 'detail-type': 'Scheduled Build' };
    expect(checkRecordedFailure({ ...letter, payload: reordered }, recorded, 'm-1')).toEqual({
      ok: true,
      requestId: 'r-1',
    });
    // The same message, once more after a re-drive that consumed the record but failed to invoke.
    expect(checkRecordedFailure(letter, { ...recorded, consumedBy: 'm-1' }, 'm-1')).toMatchObject({ ok: true });
  });

  it('keeps for a person a record with nothing recorded under its request id', () => {
    expect(checkRecordedFailure(letter, undefined, 'm-1')).toMatchObject({ ok: false, keep: true });
  });

  it('refuses another payload, another function, no request id, or a replay from another message', () => {
    const other = { ...payload, detail: { image: 'hardened' } };
    expect(checkRecordedFailure({ ...letter, payload: other }, recorded, 'm-1')).toMatchObject({
      ok: false,
      keep: false,
      refused: expect.stringContaining('payload'),
    });
    expect(checkRecordedFailure({ ...letter, target: `${START_BUILDS}-2` }, recorded, 'm-1')).toMatchObject({
      keep: false,
      refused: expect.stringContaining('failed in'),
    });
    expect(checkRecordedFailure({ target: START_BUILDS, payload }, recorded, 'm-1')).toMatchObject({ keep: false });
    expect(checkRecordedFailure(letter, { ...recorded, consumedBy: 'm-1' }, 'm-2')).toMatchObject({
      keep: false,
      refused: expect.stringContaining('already re-driven'),
    });
  });
});
