import { opensslRelease as release } from './helpers.js';

/**
 * The events of a week in which base 1.0.0/2 is built, promoted, revoked by an operator on 6 January at 12:00 for
 * CVE-2027-0001 and restored at `restoredAt` ("the CVE does not apply"): two openssl releases build 1.0.0/1 and
 * 1.0.0/2 (a catalog whose base follows openssl), then the revoke, then the restore (an operator's request).
 */
export function revokedThenRestored(restoredAt: string) {
  return [
    release('2027-01-02T08:00:00Z', '3.0.1'),
    release('2027-01-04T08:00:00Z', '3.0.2'),
    { at: '2027-01-06T12:00:00Z', kind: 'revoke', image: 'base', version: '1.0.0/2', reason: 'CVE-2027-0001' },
    {
      at: restoredAt,
      kind: 'operator',
      request: { action: 'restore', image: 'base', version: '1.0.0/2', reason: 'the CVE does not apply' },
    },
  ];
}
