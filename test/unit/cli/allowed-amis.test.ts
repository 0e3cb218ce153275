import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../cli/main.js';
import { captureOutput } from '../../helpers/output.js';
import { writeSavedCloud } from '../../helpers/saved-cloud.js';
import { testTempDir } from '../../helpers/temp-dir.js';

const goldsmith = (args: string[]) => captureOutput(() => main(args));
const AT = '2027-03-01T00:00:00.000Z';
const ARN = (v: string) => `arn:aws:imagebuilder:us-east-1:123456789012:image/goldsmith-base/${v}`;

/** base: 1.0.0/1 revoked, 1.0.0/2 named by prod. */
const LEDGER = [
  {
    pk: 'IMAGE#base',
    sk: 'BUILD#1.0.0/1',
    buildVersion: '1.0.0/1',
    buildVersionArn: ARN('1.0.0/1'),
    status: 'AVAILABLE',
    requestedAt: '2027-01-14T03:00:00.000Z',
  },
  {
    pk: 'IMAGE#base',
    sk: 'REVOCATION#1.0.0/1',
    version: '1.0.0/1',
    state: 'revoked',
    at: '2027-02-01T00:00:00.000Z',
    revokedAt: '2027-02-01T00:00:00.000Z',
  },
  {
    pk: 'IMAGE#base',
    sk: 'BUILD#1.0.0/2',
    buildVersion: '1.0.0/2',
    buildVersionArn: ARN('1.0.0/2'),
    status: 'AVAILABLE',
    requestedAt: '2027-02-11T03:00:00.000Z',
  },
  { pk: 'IMAGE#base', sk: 'CHANNEL#prod', version: '1.0.0/2' },
];

/** A saved local cloud whose snapshot holds `ledger`, and its catalog with `allowedAmis` (if any). */
async function savedCloud(
  allowedAmis: Record<string, unknown> | undefined,
  ledger: object[] = LEDGER,
): Promise<string> {
  const root = testTempDir('goldsmith-allowed-amis-');
  const catalogFile = join(root, 'goldsmith.config.json');
  writeFileSync(
    catalogFile,
    JSON.stringify({
      organization: { id: 'o-a1b2c3d4e5', homeRegion: 'us-east-1' },
      images: {
        base: {
          parent: 'ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64',
          components: [{ managed: 'update-linux' }],
          regions: ['us-east-1'],
        },
      },
      channels: [{ name: 'prod', targets: { ous: ['ou-x1y2-prd00001'], accounts: ['210987654321'] } }],
      ...(allowedAmis ? { allowedAmis } : {}),
    }),
  );
  return writeSavedCloud(join(root, 'cloud'), { catalogFile, at: AT, ledger });
}

describe('goldsmith allowed-amis', () => {
  it('with the switch off: says so on stderr, prints no policy, exits 1', async () => {
    const { code, stdout, stderr } = await goldsmith(['allowed-amis', '--local', await savedCloud(undefined)]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^goldsmith allowed-amis: allowedAmis is not set in the catalog: .*audit-mode/);
  });

  it('--json: the declarative policy document alone, ready for create-policy', async () => {
    const dir = await savedCloud({ mode: 'enabled', exceptionMessage: 'Golden images only' });
    const { code, stdout } = await goldsmith(['allowed-amis', '--local', dir, '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      ec2_attributes: {
        allowed_images_settings: {
          state: { '@@assign': 'enabled' },
          image_criteria: {
            criteria_1: {
              allowed_image_providers: { '@@assign': ['123456789012'] },
              image_names: { '@@assign': ['goldsmith-base-*'] },
              deprecation_time_condition: { maximum_days_since_deprecated: { '@@assign': 0 } },
            },
          },
        },
        exception_message: { '@@assign': 'Golden images only' },
      },
    });
  });

  it('says where to attach it, which versions it refuses and what it cannot do', async () => {
    const { code, stdout } = await goldsmith(['allowed-amis', '--local', await savedCloud({ mode: 'enabled' })]);
    expect(code).toBe(0);
    expect(stdout).toContain(
      'Attach it (from the management account or a delegated administrator) to:\n  OU ou-x1y2-prd00001\n  account 210987654321\n',
    );
    expect(stdout).toMatch(/1\.0\.0\/1 +REFUSED since 2027-02-01 \(revoked\)/);
    expect(stdout).toMatch(/1\.0\.0\/2 +launchable {2}\[prod\]/);
    expect(stdout).toContain("an account's own AMIs are always allowed");
    expect(stdout).toContain('instances already running keep running');
  });

  it('in audit-mode it says what would be refused, not what is', async () => {
    const { stdout } = await goldsmith(['allowed-amis', '--local', await savedCloud({ mode: 'audit-mode' })]);
    expect(stdout).toContain('audit-mode: EC2 marks each AMI ImageAllowed true or false and blocks nothing');
    expect(stdout).toMatch(/1\.0\.0\/1 +WOULD BE REFUSED since 2027-02-01/);
  });

  it('before the first build it needs the factory account, and takes it from --factory-account', async () => {
    const dir = await savedCloud({ mode: 'enabled' }, []);
    const missing = await goldsmith(['allowed-amis', '--local', dir]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('give --factory-account ID');
    const bad = await goldsmith(['allowed-amis', '--local', dir, '--factory-account', '1234']);
    expect(bad.stderr).toBe('goldsmith allowed-amis: --factory-account must be a 12-digit account id, not "1234"\n');
    const given = await goldsmith(['allowed-amis', '--local', dir, '--json', '--factory-account', '111122223333']);
    expect(given.code).toBe(0);
    expect(given.stdout).toContain('"111122223333"');
  });
});
