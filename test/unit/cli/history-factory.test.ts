import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FACTORY_DRIFT_PK } from '../../../aws/audit/audit-ledger.js';
import { command } from '../../../cli/history.js';
import { FACTORY_DRIFT_PK as READ_PK } from '../../../cli/operator/read.js';
import { captureOutput } from '../../helpers/output.js';
import { writeSavedCloud } from '../../helpers/saved-cloud.js';
import { testTempDir } from '../../helpers/temp-dir.js';

/**
 * `goldsmith history --factory`: the drift the audit recorded on resources no image owns (a topic's policy, a
 * queue's, the event bus's, a rule), which no image's history shows.
 */

const REPO = join(import.meta.dirname, '../../..');
const AT = '2027-02-01T06:00:00.000Z';
const TOPIC = 'arn:aws:sns:eu-west-1:111122223333:goldsmith-approvals';
const POLICY_DRIFT = {
  pk: FACTORY_DRIFT_PK,
  sk: `DRIFT#policy#topic#${TOPIC}#2027-02-01#statement-added`,
  kind: 'drift',
  image: '',
  resource: 'topic-policy',
  name: TOPIC,
  found: 'a statement added: sns:Publish for *',
  expected: "the deployment's policy (/goldsmith/doors/policies)",
  action: 'policy put back as the deployment set it, confirmed',
  foundAt: '2027-02-01T02:00:00.000Z',
  repairedAt: '2027-02-01T02:00:00.000Z',
  confirmed: 'policy as the deployment set it',
};

async function history(ledger: object[], ...args: string[]) {
  const dir = testTempDir('goldsmith-history-factory-');
  const catalogFile = join(REPO, 'test/fixtures/catalogs/valid.json');
  const cloud = await writeSavedCloud(join(dir, 'cloud'), { catalogFile, at: AT, ledger });
  return captureOutput(() => command.run(['--factory', '--local', cloud, ...args]));
}

describe('goldsmith history --factory', () => {
  it('reads the partition the audit writes drift no image owns to', () => {
    expect(READ_PK).toBe(FACTORY_DRIFT_PK);
  });

  it("lists a topic policy's drift: what was found, on which topic, and that it was put back", async () => {
    const out = await history([POLICY_DRIFT]);

    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toContain(
      `audit: topic-policy ${TOPIC} found changed outside Goldsmith: a statement added: sns:Publish for *, ` +
        "ledger says the deployment's policy (/goldsmith/doors/policies); policy put back as the deployment set it, confirmed",
    );
    expect(out.stdout).toContain(`audit: topic-policy ${TOPIC} put back: policy as the deployment set it`);
  });

  it('says when the audit recorded nothing there', async () => {
    const out = await history([]);
    expect(out.stdout).toBe(
      'factory: the audit recorded no change outside Goldsmith to the topics, queues, event bus or rules\n',
    );
  });

  it('refuses an image with --factory, naming why', async () => {
    await expect(history([], 'base')).rejects.toThrow('history --factory takes no image nor --channel');
  });
});
