import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CloudFormationClient,
  DescribeStacksCommand,
  ListStackResourcesCommand,
  type Stack,
} from '@aws-sdk/client-cloudformation';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterEach, describe, expect, it } from 'vitest';
import { command } from '../../../cli/scp.js';
import { exemptionMismatches } from '../../../cli/scp-deployment.js';
import { UsageError } from '../../../cli/usage.js';
import { SCP_MAX_CHARACTERS } from '../../../core/scp/split.js';
import { mockClient } from '../../helpers/mock-client.js';
import { captureOutput } from '../../helpers/output.js';
import { writeSavedCloud } from '../../helpers/saved-cloud.js';
import { testTempDir } from '../../helpers/temp-dir.js';

type Statement = { Sid: string; Condition: { ArnNotLike: { 'aws:PrincipalArn': string | string[] } } };

const sts = mockClient(STSClient);
const cloudFormation = mockClient(CloudFormationClient);
afterEach(() => {
  sts.reset();
  cloudFormation.reset();
});

const role = (stack: string, logicalId: string, name: string) => ({
  LogicalResourceId: logicalId,
  PhysicalResourceId: name,
  ResourceType: 'AWS::IAM::Role',
  ResourceStatus: 'CREATE_COMPLETE' as const,
  LastUpdatedTimestamp: new Date(0),
  stack,
});

function deployment(roles: ReturnType<typeof role>[]) {
  sts
    .on(GetCallerIdentityCommand)
    .resolves({ Account: '200000000001', Arn: 'arn:aws:sts::200000000001:assumed-role/x/y' });
  const stacks = [...new Set(roles.map((r) => r.stack))];
  cloudFormation.on(DescribeStacksCommand).resolves({
    Stacks: stacks.map((StackName) => ({ StackName, StackStatus: 'UPDATE_COMPLETE' }) as Stack),
  });
  for (const stack of stacks)
    cloudFormation
      .on(ListStackResourcesCommand, { StackName: stack })
      .resolves({ StackResourceSummaries: roles.filter((r) => r.stack === stack).map(({ stack: _, ...r }) => r) });
}

describe('goldsmith scp', () => {
  it('writes each part minified under --out, within the quota, and prints the commands with the files', async () => {
    const dir = testTempDir('goldsmith-scp-');
    const out = await captureOutput(() => command.run(['--stage', 'prod', '--offline', '--out', dir]));
    expect(out.code).toBe(0);
    const files = ['goldsmith-prod-scp-1', 'goldsmith-prod-scp-2', 'goldsmith-prod-scp-3', 'goldsmith-prod-scp-4'].map(
      (n) => join(dir, `${n}.json`),
    );
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      expect(text.length).toBeLessThanOrEqual(SCP_MAX_CHARACTERS);
      expect(JSON.stringify(JSON.parse(text))).toBe(text);
      expect(out.stdout).toContain(`--content file://${file}`);
    }
    expect(out.stdout).toContain('They take 4 SCP slots');
  });

  it("admits the catalog's approvers at the front door only, and refuses a catalog it cannot read, naming it", async () => {
    const dir = testTempDir('goldsmith-scp-');
    const out = await captureOutput(() => command.run(['--stage', 'prod', '--offline', '--out', dir]));
    expect(out.code).toBe(0);
    const statements = [1, 2, 3, 4].flatMap(
      (n) =>
        (JSON.parse(readFileSync(join(dir, `goldsmith-prod-scp-${n}.json`), 'utf8')) as { Statement: Statement[] })
          .Statement,
    );
    const exempt = (sid: string) => statements.find((s) => s.Sid === sid)?.Condition.ArnNotLike['aws:PrincipalArn'];
    expect(exempt('FrontDoorOnlyByOperatorsAndApprovers')).toEqual(
      expect.arrayContaining([
        'arn:aws:iam::*:role/goldsmith-prod-operators',
        'arn:aws:iam::123456789012:role/ops-lead',
      ]),
    );
    expect(exempt('RevokeAndRollbackOnlyByOperators')).not.toContain('arn:aws:iam::123456789012:role/ops-lead');
    const missing = await captureOutput(() =>
      command.run(['--stage', 'prod', '--offline', '--config', join(dir, 'none.ts')]),
    );
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(
      /^goldsmith scp: catalog: cannot load .*none\.ts.* \(--config FILE names the catalog\)$/m,
    );
  });

  it("writes the stage's account and says it used the deployed roles' names", async () => {
    deployment([
      role(
        'prod-goldsmith-Notifications',
        'AuditDoorsServiceRole5E6F7A8B',
        'prod-goldsmith-Notificati-AuditDoorsServiceRole5E6-1U44TLUZ7OR55',
      ),
    ]);
    const out = await captureOutput(() => command.run(['--stage', 'prod', '--json']));
    expect(out.code).toBe(0);
    const doc = JSON.parse(out.stdout) as { account: string; roles: unknown; parts: { document: unknown }[] };
    expect(doc.account).toBe('200000000001');
    expect(doc.roles).toEqual({ from: 'deployed', count: 1 });
    expect(JSON.stringify(doc.parts)).toContain(
      'arn:aws:iam::200000000001:role/prod-goldsmith-Notificati*-AuditDoors*',
    );
  });

  it('refuses, naming it, a deployed role its exemption does not match', async () => {
    deployment([role('prod-goldsmith-Promotion', 'ReconcileServiceRoleA1B2C3D4', 'renamed-reconcile-role')]);
    const out = await captureOutput(() => command.run(['--stage', 'prod']));
    expect(out.code).toBe(1);
    expect(out.stderr).toContain(
      "Promotion/Reconcile's role renamed-reconcile-role is not matched by prod-goldsmith-Promotion*-Reconcile*",
    );
    expect(out.stdout).toBe('');
  });

  it('writes offline, saying why, when the deployment cannot be read', async () => {
    sts
      .on(GetCallerIdentityCommand)
      .rejects(Object.assign(new Error('no credentials'), { name: 'CredentialsProviderError' }));
    const out = await captureOutput(() => command.run(['--stage', 'prod']));
    expect(out.code).toBe(0);
    expect(out.stderr).toContain(
      'could not read stage prod (CredentialsProviderError: no credentials): writing it offline',
    );
    expect(out.stdout).toMatch(
      /^service control policy for stage prod, account \*, from role names as the stacks synthesize them/,
    );
  });

  it("writes from a saved local cloud for the local cloud's stage, local, and refuses a directory that holds none", async () => {
    const dir = testTempDir('goldsmith-scp-local-');
    const catalogFile = join(import.meta.dirname, '../../fixtures/catalogs/valid.json');
    const cloud = await writeSavedCloud(join(dir, 'cloud'), { catalogFile, at: '2027-01-02T00:00:00Z', ledger: [] });
    const out = await captureOutput(() => command.run(['--local', cloud, '--json']));
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout)).toMatchObject({
      stage: 'local',
      account: '*',
      roles: { from: 'synthesized', why: 'a saved local cloud has no stacks' },
    });
    // The statements name the local cloud's roles and keys, as its stacks do, not another stage's.
    expect(out.stdout).toContain('local-goldsmith-');
    expect(out.stdout).toContain('goldsmith/local/');
    expect(out.stdout).not.toContain('prod-goldsmith-');
    await expect(command.run(['--local', join(dir, 'nothing')])).rejects.toThrow(/does not exist/);
    expect(sts.commandCalls(GetCallerIdentityCommand)).toHaveLength(0);
  });

  it('refuses bad input naming the field, before reading anything', async () => {
    await expect(command.run(['--stage', 'prod', '--deployer', 'not a role'])).rejects.toThrow(UsageError);
    await expect(command.run(['--stage', 'prod', '--deployer', 'not a role'])).rejects.toThrow(/^--deployer must be/);
    await expect(command.run(['--stage', '1prod'])).rejects.toThrow(/^--stage must be a stage name/);
    await expect(command.run([])).rejects.toThrow(/say where/);
    expect(sts.commandCalls(GetCallerIdentityCommand)).toHaveLength(0);
  });

  it('finds no mismatch among roles CloudFormation named, trimmed or not', () => {
    expect(
      exemptionMismatches('prod', [
        {
          stack: 'prod-goldsmith-Trust',
          logicalId: 'OperatorServiceRoleA1B2C3D4',
          name: 'prod-goldsmith-Trust-OperatorServiceRoleA1B2C3D4-1U44TLUZ7OR55',
        },
      ]),
    ).toEqual([]);
  });
});
