import type { ActionableStatus, Missed } from './decide.js';

/**
 * The ledger's record of one reconciliation: `pk = IMAGE#<image>`, `sk = RECONCILED#<version>#<status>`, written
 * once (conditionally), so the audit trail says what was missed and when it was caught, and the count is exact.
 */
export interface ReconciledRecord {
  kind: 'reconciled';
  image: string;
  version: string;
  buildVersionArn: string;
  /** The status whose handling was missed. */
  status: ActionableStatus;
  missed: Missed;
  /** What the reconciler's action did: the same result on-image-event would have returned. */
  result: string;
  /** When the reconciler caught it. */
  at: string;
}

/** Sort key of a reconciliation record: one per build and status. */
export function reconciledSk(version: string, status: string): string {
  return `RECONCILED#${version}#${status}`;
}

/** Builds the record for a completed reconciliation. */
export function reconciledRecord(
  build: { image: string; version: string; buildVersionArn: string },
  status: ActionableStatus,
  missed: Missed,
  result: string,
  at: Date,
): ReconciledRecord {
  return {
    kind: 'reconciled',
    image: build.image,
    version: build.version,
    buildVersionArn: build.buildVersionArn,
    status,
    missed,
    result,
    at: at.toISOString(),
  };
}
