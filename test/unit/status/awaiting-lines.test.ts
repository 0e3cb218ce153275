import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../cli/main.js';
import { awaitingConfirmationLines } from '../../../core/status/awaiting-lines.js';
import { captureOutput } from '../../helpers/output.js';
import { writeSavedCloud } from '../../helpers/saved-cloud.js';
import { testTempDir } from '../../helpers/temp-dir.js';

const REPO = join(import.meta.dirname, '../../..');
const PREFIX = 'DRIFT#subscription#approval-links#awaiting#0123456789abcdef#';
/** One day's record of the doors' auditor (functions/audit/subscriptions-awaiting.ts). */
const day = (date: string, since: string, repairedAt?: string) => ({
  pk: 'FACTORY#audit',
  sk: `${PREFIX}${date}`,
  kind: 'drift',
  image: '',
  resource: 'subscription',
  name: 'goldsmith-prod-approval-links',
  found: `approver ops-lead: subscription awaiting confirmation since ${since} (email ops-lead@example.com): nothing reaches it until confirmed`,
  expected: 'email ops-lead@example.com confirmed',
  action: 'confirm',
  foundAt: `${date}T05:00:00.000Z`,
  ...(repairedAt ? { repairedAt } : {}),
});
const LINE =
  'approver ops-lead: subscription awaiting confirmation since 2027-01-18 (email ops-lead@example.com): nothing reaches it until confirmed (the audit of 2027-01-19)';

describe('goldsmith status: subscriptions awaiting confirmation', () => {
  it("says each open one once, from its newest day's record; a confirmed one (closed records) not at all", () => {
    expect(awaitingConfirmationLines([day('2027-01-18', '2027-01-18'), day('2027-01-19', '2027-01-18')])).toEqual([
      LINE,
    ]);
    const closed = '2027-01-20T05:00:00.000Z';
    expect(
      awaitingConfirmationLines([day('2027-01-18', '2027-01-18', closed), day('2027-01-19', '2027-01-18', closed)]),
    ).toEqual([]);
    // Other drift of the factory's partition is not a subscription awaiting confirmation.
    expect(
      awaitingConfirmationLines([
        { ...day('2027-01-18', 'x'), sk: 'DRIFT#subscription#approval-links#2027-01-18#abc' },
      ]),
    ).toEqual([]);
  });

  it("prints it under the migration line, from a saved cloud's ledger, and in --json", async () => {
    const dir = await writeSavedCloud(join(testTempDir('goldsmith-awaiting-'), 'cloud'), {
      catalogFile: join(REPO, 'goldsmith.config.ts'),
      at: '2027-01-19T13:00:00.000Z',
      ledger: [day('2027-01-18', '2027-01-18'), day('2027-01-19', '2027-01-18')],
    });
    const text = await captureOutput(() => main(['status', '--local', dir]));
    expect(text.code).toBe(0);
    expect(text.stdout.split('\n')[2]).toBe(LINE);
    const json = await captureOutput(() => main(['status', '--local', dir, '--json']));
    expect(JSON.parse(json.stdout)).toMatchObject({ subscriptionsAwaiting: [LINE] });
  });
});
