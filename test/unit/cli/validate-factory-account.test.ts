import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../cli/usage.js';
import { command } from '../../../cli/validate.js';
import { captureOutput } from '../../helpers/output.js';
import { testTempDir } from '../../helpers/temp-dir.js';

const REPO = join(import.meta.dirname, '../../..');
const VALID = JSON.parse(readFileSync(join(REPO, 'test/fixtures/catalogs/valid.json'), 'utf8'));
const FACTORY = '111122223333';
// A managed component: the catalog is written outside the repository, where its component files are not.
const MANAGED = { base: { ...VALID.images.base, components: [{ managed: 'update-linux' }] } };

/** A catalog whose operator is in the factory account and whose approver is a role of another account. */
function catalogFile(): string {
  const dir = testTempDir('goldsmith-validate-factory-');
  const access = {
    operators: [`arn:aws:iam::${FACTORY}:role/platform`],
    approvers: { 'ops-lead': ['arn:aws:iam::444455556666:role/ops-lead'] },
  };
  const file = join(dir, 'catalog.json');
  writeFileSync(file, JSON.stringify({ ...VALID, images: MANAGED, access }));
  return file;
}

describe('goldsmith validate --factory-account', () => {
  it('warns of each operator or approver that is a principal of the factory account, and only with the account', async () => {
    const file = catalogFile();
    const run = (args: string[]) => captureOutput(() => command.run(['--catalog-only', '--config', file, ...args]));
    const withAccount = await run(['--factory-account', FACTORY]);
    expect(withAccount.code).toBe(0);
    const warnings = withAccount.stdout.split('\n').filter((l) => l.startsWith('warning: access.'));
    expect(warnings).toEqual([
      `warning: access.operators[0]: arn:aws:iam::${FACTORY}:role/platform is a role in the factory account ${FACTORY}: it is only as safe as that account's IAM administrators (any of them can take it over and promote, revoke and roll back as the operators); name principals of another account, or protect the role with an SCP of your own`,
    ]);
    expect((await run([])).stdout).not.toContain('warning: access.');
  });

  it('refuses an account id that is not 12 digits, naming the option', async () => {
    await expect(command.run(['--factory-account', '1234'])).rejects.toThrow(UsageError);
    await expect(command.run(['--factory-account', '1234'])).rejects.toThrow(
      /^--factory-account must be a 12-digit AWS account id, not "1234"$/,
    );
  });
});
