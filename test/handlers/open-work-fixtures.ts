import { beforeEach } from 'vitest';
import { claimApprovalDecision, recordApprovalRequest } from '../../aws/promotion/promotion-approvals.js';
import type { PackageChange } from '../../core/triggers/change.js';
import { localLedgerClient, recreateLedgerTable, useLocalDynamo } from '../helpers/ledger-table.js';

/**
 * The shared fixture of the open-work index tests: a ledger table in dynalite, made anew before each test, and the
 * records they open (an approval decided, an openssl release).
 */
export function useOpenWorkLedger(): ReturnType<typeof useLocalDynamo> {
  const dynamo = useLocalDynamo();
  beforeEach(async () => {
    process.env.LEDGER_TABLE = 'ledger';
    await recreateLedgerTable(localLedgerClient(dynamo.endpoint));
  });
  return dynamo;
}

/** An openssl release observed on the day of February its last digit names. */
export const change = (version: string): PackageChange => ({
  kind: 'package',
  name: 'openssl',
  version,
  source: 'ci',
  observedAt: `2027-02-0${version.at(-1)}T10:00:00Z`,
});

/** An approval of `image` `version` to prod, requested and decided (approved by ops-lead), not yet sent. */
export async function decide(image: string, version: string) {
  const request = {
    image,
    version,
    channel: 'prod',
    approvalId: `${image}-${version}`,
    taskToken: `token-${image}-${version}`,
    approvers: ['ops-lead'],
    requestedAt: '2027-01-20T00:00:00Z',
    expiresAt: '2027-01-27T00:00:00Z',
  };
  await recordApprovalRequest(request);
  await claimApprovalDecision({
    image,
    version,
    channel: 'prod',
    approvalId: request.approvalId,
    decision: 'approve',
    by: 'ops-lead',
    at: '2027-01-21T00:00:00Z',
    via: 'email',
    proof: 'a-proof',
  });
}
