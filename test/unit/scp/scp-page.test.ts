import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scpRequirements } from '../../../core/preflight/scp-requirements.js';
import { DEFAULT_DEPLOYER } from '../../../core/scp/roles.js';
import { PAGE_SCP_OPTIONS, scpPolicyPages } from '../../../scripts/schemas/scp-reference.js';
import { documentedScps } from '../preflight/documented-scp.js';

const root = resolve(import.meta.dirname, '../../..');

/** Every (statement, action) pair of the policies' Deny statements. */
const pairsOf = (policies: readonly string[]) =>
  new Set(
    policies.flatMap((p) =>
      (JSON.parse(p) as { Statement: { Sid: string; Action: string | string[] }[] }).Statement.flatMap((s) =>
        (Array.isArray(s.Action) ? s.Action : [s.Action]).map((a) => `${s.Sid} ${a}`),
      ),
    ),
  );

describe("docs/security/scp-policy.md's policy", () => {
  it('is the one core/scp/ generates (npm run schemas), over two pages', async () => {
    for (const [page, text] of Object.entries(scpPolicyPages()))
      expect(await readFile(join(root, page), 'utf8'), page).toBe(text);
  });

  it("holds the same (statement, action) pairs preflight's check evaluates: one set", () => {
    const page = pairsOf(documentedScps());
    const checked = new Set(
      scpRequirements('prod', '200000000001', 'eu-west-1', DEFAULT_DEPLOYER, PAGE_SCP_OPTIONS.sinkSecrets).map(
        (r) => `${r.statement} ${r.action}`,
      ),
    );
    expect(page.size).toBeGreaterThan(100);
    expect([...checked].sort()).toEqual([...page].sort());
  });

  it('checks the statements the check used to leave out, and the new ones', () => {
    const checked = new Set(scpRequirements('prod', '200000000001', 'eu-west-1').map((r) => r.statement));
    for (const sid of [
      'StackSetsOnlyByTheDeployment',
      'StacksOnlyByTheDeployer',
      'StateMachinesOnlyByGoldsmith',
      'ReleaseOnlyByTheDeployment',
      'AlarmsOnlyByTheDeployment',
      'FunctionsOnlyByTheDeployment',
      'RolesPassedOnlyByGoldsmith',
      'ExecRoleOnlyForGoldsmithStacks',
      'TaskTokensOnlyByGoldsmith',
    ])
      expect(checked).toContain(sid);
    // The sinks' secrets, when the catalog configures any.
    const withSinks = new Set(
      scpRequirements('prod', '200000000001', 'eu-west-1', DEFAULT_DEPLOYER, ['goldsmith/teams']).map(
        (r) => r.statement,
      ),
    );
    for (const sid of ['SinkSecretsOnlyByGoldsmith', 'SinkSecretsOnlyByTheDeployment'])
      expect(withSinks).toContain(sid);
  });
});
