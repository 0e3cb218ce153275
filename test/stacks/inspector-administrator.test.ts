import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { catalogShapeSchema } from '../../core/config/schema.js';
import { Promotion } from '../../stacks/Promotion.js';
import { onFindingRole } from '../../stacks/promotion/finding-reads.js';
import { minimalCatalog, resourcesOf, type Synthesized, synthesize } from './helpers.js';

type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };
const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

const SECURITY = '444455556666';

/** The on-finding function's role logical id and the statements of the policies attached to it. */
function onFinding(synth: Synthesized): { roleId: string; statements: Statement[]; env: Record<string, unknown> } {
  const functions = resourcesOf(synth.template, 'AWS::Lambda::Function');
  const fn = Object.entries(functions).find(([id]) => id.startsWith('OnFinding'))?.[1];
  if (!fn) throw new Error('no OnFinding function');
  const roleId = String(fn.Properties.Role).replace(/^<|\.Arn>$/g, '');
  const statements = Object.values(resourcesOf(synth.template, 'AWS::IAM::Policy'))
    .filter((p) => (p.Properties.Roles as string[]).includes(`<${roleId}>`))
    .flatMap((p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
  const env = (fn.Properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
  return { roleId, statements, env };
}

describe('Promotion stack: where on-finding reads findings', () => {
  let own: Synthesized;
  let security: Synthesized;
  beforeAll(async () => {
    own = await synthesize(minimalCatalog(), { stacks: [Promotion] });
    security = await synthesize(
      minimalCatalog({
        organization: { id: 'o-zz9988776655', homeRegion: 'us-east-1', inspectorAdministrator: SECURITY },
      }),
      { stacks: [Promotion] },
    );
  }, 120_000);

  it('the factory as Inspector administrator: ListFindings with its own role, no role to assume', () => {
    const { statements, env } = onFinding(own);
    const all = statements.flatMap(actionsOf);
    expect(statements.filter((s) => actionsOf(s).includes('inspector2:ListFindings'))).toEqual([
      { Effect: 'Allow', Action: 'inspector2:ListFindings', Resource: '*' },
    ]);
    expect(all).not.toContain('sts:AssumeRole');
    expect(env.INSPECTOR_FINDINGS_ROLE_ARN).toBeUndefined();
  });

  it("a security account as administrator: exactly sts:AssumeRole on that account's findings role, no ListFindings", () => {
    const { roleId, statements, env } = onFinding(security);
    const role = resourcesOf(security.template, 'AWS::IAM::Role')[roleId];
    // Named, so the security account's role can trust it by ARN.
    expect(role?.Properties.RoleName).toBe('goldsmith-test-on-finding');
    // Its logs as every function's: its own group only (stacks/function-logs.ts), no AWSLambdaBasicExecutionRole.
    expect(JSON.stringify(role)).not.toContain('AWSLambdaBasicExecutionRole');
    expect(statements.filter((s) => actionsOf(s).includes('logs:PutLogEvents'))).toHaveLength(1);
    const roleArn = `arn:aws:iam::${SECURITY}:role/goldsmith-test-inspector-findings`;
    expect(statements.filter((s) => actionsOf(s).some((a) => a.startsWith('sts:')))).toEqual([
      { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: roleArn },
    ]);
    expect(statements.flatMap(actionsOf).filter((a) => a.startsWith('inspector2:'))).toEqual([]);
    expect(env.INSPECTOR_FINDINGS_ROLE_ARN).toBe(roleArn);
    // The rest of what on-finding does is unchanged: it still revokes and rebuilds.
    const ownActions = new Set(onFinding(own).statements.flatMap(actionsOf));
    ownActions.delete('inspector2:ListFindings');
    const securityActions = new Set(statements.flatMap(actionsOf));
    securityActions.delete('sts:AssumeRole');
    expect([...securityActions].sort()).toEqual([...ownActions].sort());
  });

  it('no other function may assume the findings role', () => {
    const roleArn = `arn:aws:iam::${SECURITY}:role/goldsmith-test-inspector-findings`;
    const { roleId } = onFinding(security);
    const others = Object.values(resourcesOf(security.template, 'AWS::IAM::Policy'))
      .filter((p) => !(p.Properties.Roles as string[]).includes(`<${roleId}>`))
      .flatMap((p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
    expect(JSON.stringify(others)).not.toContain(roleArn);
  });
});

describe('onFindingRole', () => {
  it("refuses a catalog that names the factory account itself as Inspector's administrator, naming the field", () => {
    const outdir = mkdtempSync(join(tmpdir(), 'goldsmith-test-synth-'));
    try {
      const stack = new Stack(new App({ outdir }), 'Factory', { env: { account: SECURITY, region: 'us-east-1' } });
      const catalog = catalogShapeSchema.parse(
        minimalCatalog({
          organization: { id: 'o-zz9988776655', homeRegion: 'us-east-1', inspectorAdministrator: SECURITY },
        }),
      );
      expect(() => onFindingRole(stack, catalog, 'test')).toThrow(
        `organization.inspectorAdministrator: ${SECURITY} is the factory account itself`,
      );
      const other = { ...catalog, organization: { ...catalog.organization, inspectorAdministrator: '777788889999' } };
      expect(onFindingRole(stack, other, 'test')?.roleName).toBeDefined();
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});
