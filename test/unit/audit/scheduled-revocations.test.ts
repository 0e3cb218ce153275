import { describe, expect, it } from 'vitest';
import {
  needsScheduleRead,
  OVERDUE_GRACE_MS,
  revocationDriftSk,
  scheduledRevocationAction,
} from '../../../core/audit/scheduled-revocations.js';

const DUE = '2027-01-04T09:00:00.000Z';
const at = (offsetMs: number) => new Date(Date.parse(DUE) + offsetMs);
const pending = { dueAt: DUE, cancelled: false, revoked: false };

describe('scheduledRevocationAction', () => {
  it('reads the schedule only of a revocation still to come, neither cancelled nor revoked', () => {
    expect(needsScheduleRead(pending, at(-3_600_000))).toBe(true);
    expect(needsScheduleRead(pending, at(0))).toBe(false);
    expect(needsScheduleRead({ ...pending, cancelled: true }, at(-3_600_000))).toBe(false);
    expect(needsScheduleRead({ ...pending, revoked: true }, at(-3_600_000))).toBe(false);
  });

  it('says a schedule that is gone, moved or disabled before the due time is broken', () => {
    for (const schedule of ['absent', 'other-time', 'disabled'] as const) {
      expect(scheduledRevocationAction(pending, schedule, at(-3_600_000))).toEqual({
        kind: 'schedule-broken',
        schedule,
      });
    }
    expect(scheduledRevocationAction(pending, 'present', at(-3_600_000))).toEqual({ kind: 'none' });
  });

  it('carries out a revocation not made an hour after its time, whatever its schedule says', () => {
    expect(scheduledRevocationAction(pending, undefined, at(OVERDUE_GRACE_MS - 1))).toEqual({ kind: 'none' });
    expect(scheduledRevocationAction(pending, undefined, at(OVERDUE_GRACE_MS))).toEqual({
      kind: 'carry-out',
      overdueMs: OVERDUE_GRACE_MS,
    });
  });

  it('does nothing about a cancelled or an already revoked one, however late', () => {
    expect(scheduledRevocationAction({ ...pending, cancelled: true }, undefined, at(86_400_000))).toEqual({
      kind: 'none',
    });
    expect(scheduledRevocationAction({ ...pending, revoked: true }, 'absent', at(86_400_000))).toEqual({
      kind: 'none',
    });
  });

  it('keys what it found by version, due time and finding', () => {
    expect(revocationDriftSk('1.0.0/2', DUE, { kind: 'schedule-broken', schedule: 'absent' })).toBe(
      `DRIFT#revoke-at#1.0.0/2#${DUE}#schedule-absent`,
    );
    expect(revocationDriftSk('1.0.0/2', DUE, { kind: 'carry-out', overdueMs: 1 })).toBe(
      `DRIFT#revoke-at#1.0.0/2#${DUE}#overdue`,
    );
  });
});
