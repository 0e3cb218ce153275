import { beforeAll, describe, expect, it } from 'vitest';
import { readImagePartition } from '../../aws/ledger/image-partition.js';
import { markSoakEndedEarly, recordSoak } from '../../aws/promotion/promotion-soaks.js';
import { historyOf } from '../../cli/operator/ledger-history.js';
import { createLedgerTable, localLedgerClient, useLocalDynamo } from '../helpers/ledger-table.js';

const TABLE = 'ledger-history-soaks';
const dynamo = useLocalDynamo();

const soak = (version: string, channel: string, startedAt: string, until: string) => ({
  image: 'base',
  version,
  channel,
  taskToken: `token-${version}-${channel}`,
  startedAt,
  until,
});

beforeAll(async () => {
  process.env.LEDGER_TABLE = TABLE;
  await createLedgerTable(localLedgerClient(dynamo.endpoint), TABLE);
  // One soak that ran its course, one an operator's `promote` ended early, as the functions write them.
  await recordSoak(soak('1.0.0/1', 'staging', '2027-01-14T06:00:00.000Z', '2027-01-17T06:00:00.000Z'));
  const early = soak('1.0.0/2', 'staging', '2027-02-11T06:00:00.000Z', '2027-02-14T06:00:00.000Z');
  await recordSoak(early);
  await markSoakEndedEarly(early, 'alice', '2027-02-12T09:30:00.000Z', 'hotfix for CVE-2027-0001');
  // A promotion paused by an outage during its prod soak, resumed: prod soaks again (a new task token).
  await recordSoak(soak('1.0.0/3', 'prod', '2027-03-01T06:00:00.000Z', '2027-03-04T06:00:00.000Z'));
  const again = { ...soak('1.0.0/3', 'prod', '2027-03-02T08:00:00.000Z', '2027-03-05T08:00:00.000Z') };
  await recordSoak({ ...again, taskToken: 'token-1.0.0/3-prod-resumed' });
  // The same start delivered twice: the same soak, told once.
  await recordSoak({ ...again, taskToken: 'token-1.0.0/3-prod-resumed' });
});

describe('goldsmith history', () => {
  it('lists each soak, and who ended one early and why, at the time it happened', async () => {
    const entries = historyOf(await readImagePartition('base'), 'staging');

    expect(entries).toEqual([
      {
        at: '2027-01-14T06:00:00.000Z',
        version: '1.0.0/1',
        channel: 'staging',
        what: 'soak started, ends 2027-01-17 06:00',
      },
      {
        at: '2027-02-11T06:00:00.000Z',
        version: '1.0.0/2',
        channel: 'staging',
        what: 'soak started, ends 2027-02-14 06:00',
      },
      {
        at: '2027-02-12T09:30:00.000Z',
        version: '1.0.0/2',
        channel: 'staging',
        what: 'soak ended early by alice: hotfix for CVE-2027-0001',
      },
    ]);
  });

  it('tells a soak run again after a resumed promotion next to the first one', async () => {
    const entries = historyOf(await readImagePartition('base'), 'prod');

    expect(entries.map((e) => `${e.at} ${e.version} ${e.what}`)).toEqual([
      '2027-03-01T06:00:00.000Z 1.0.0/3 soak started, ends 2027-03-04 06:00',
      '2027-03-02T08:00:00.000Z 1.0.0/3 soak started, ends 2027-03-05 08:00',
    ]);
  });

  it('leaves the soaks out when another channel is asked for', async () => {
    expect(historyOf(await readImagePartition('base'), 'test')).toEqual([]);
  });
});
