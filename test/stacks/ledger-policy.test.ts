import { beforeAll, describe, expect, it } from 'vitest';
import { imageViewIndex, openWorkIndex } from '../../core/ledger/keys.js';
import { TemplateResolver } from '../../local/simulator/intrinsics.js';
import type { SynthesizedApp } from '../../local/simulator/synth.js';
import { evaluate, type PolicyDocument, rolePoliciesByArn } from '../../local/trust/policies.js';
import { LEDGER_WRITE_ACTIONS } from '../../stacks/ledger-access.js';
import { LEDGER_INDEXES } from '../helpers/ledger-table.js';
import { exampleLocalApp } from './local-app.js';

const ACCOUNT = '123456789012';
const ADMIN = `arn:aws:iam::${ACCOUNT}:role/admin`;
const ADMIN_POLICY: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'dynamodb:*', Resource: '*' }],
};

type Resource = { Type: string; Properties?: Record<string, unknown> };
let app: SynthesizedApp;
let resolver: TemplateResolver;
let tableArn: string;
let tablePolicy: PolicyDocument;
let roles: Map<string, PolicyDocument[]>;

function resources(type: string): [string, Resource][] {
  return app.templates.flatMap((t) => Object.entries(t.Resources ?? {}).filter(([, r]) => r.Type === type));
}

/** AWS's decision for `principal` doing `action` on the ledger, with any tags its session carries. */
async function decide(
  principal: string,
  action: string,
  identityPolicies: readonly PolicyDocument[],
  tags: Record<string, string> = {},
) {
  const context: Record<string, string> = { 'aws:PrincipalArn': principal, 'aws:PrincipalAccount': ACCOUNT };
  for (const [key, value] of Object.entries(tags)) context[`aws:PrincipalTag/${key}`] = value;
  const { decision } = await evaluate({
    principal,
    action,
    resource: tableArn,
    resourceAccount: ACCOUNT,
    context,
    identityPolicies,
    resourcePolicy: tablePolicy,
  });
  return decision;
}

beforeAll(async () => {
  app = await exampleLocalApp(ACCOUNT);
  resolver = new TemplateResolver(app.templates, { accountId: ACCOUNT, region: 'us-east-1' });
  const [[tableId, table] = ['', {}]] = resources('AWS::DynamoDB::Table');
  tableArn = resolver.arn(tableId);
  const props = resolver.resolve(table.Properties) as { ResourcePolicy?: { PolicyDocument: PolicyDocument } };
  if (!props.ResourcePolicy) throw new Error('the ledger table has no resource policy');
  tablePolicy = props.ResourcePolicy.PolicyDocument;
  roles = rolePoliciesByArn(app.templates, resolver);
}, 180_000);

describe("the ledger's resource policy, simulated as synthesized (iam-simulate)", () => {
  it('refuses every write to a same-account role holding dynamodb:* on *, explicitly, and still lets it read', async () => {
    for (const action of LEDGER_WRITE_ACTIONS) {
      expect(await decide(ADMIN, action, [ADMIN_POLICY]), action).toBe('ExplicitlyDenied');
    }
    expect(await decide(ADMIN, 'dynamodb:GetItem', [ADMIN_POLICY])).toBe('Allowed');
    expect(await decide(ADMIN, 'dynamodb:Query', [ADMIN_POLICY])).toBe('Allowed');
  });

  it('refuses writes to a role that tagged its session goldsmith:ledger-writer=true (a tag names no one)', async () => {
    const tags = { 'goldsmith:ledger-writer': 'true' };
    for (const action of LEDGER_WRITE_ACTIONS) {
      expect(await decide(ADMIN, action, [ADMIN_POLICY], tags), action).toBe('ExplicitlyDenied');
    }
  });

  it("names its writers by aws:PrincipalArn, with no tag condition, and stays under DynamoDB's 20 KB", () => {
    const [statement] = tablePolicy.Statement as { Condition: Record<string, Record<string, unknown>> }[];
    expect(Object.keys(statement?.Condition ?? {})).toEqual(['ArnNotLike']);
    expect(Object.keys(statement?.Condition.ArnNotLike ?? {})).toEqual(['aws:PrincipalArn']);
    expect(JSON.stringify(tablePolicy).length).toBeLessThan(20 * 1024);
  });

  it('lets every role its stacks grant ledger writes write it (no Goldsmith function locked out), and only those', async () => {
    const writers: string[] = [];
    const lockedOut: string[] = [];
    for (const [arn, policies] of roles) {
      // A writer is a role its own policies let make some item write (each function holds only the calls it makes).
      let write: string | undefined;
      for (const action of LEDGER_WRITE_ACTIONS) {
        const identity = await evaluate({
          principal: arn,
          action,
          resource: tableArn,
          resourceAccount: ACCOUNT,
          context: {},
          identityPolicies: policies,
        });
        if (identity.decision === 'Allowed') {
          write = action;
          break;
        }
      }
      if (write === undefined) continue;
      if ((await decide(arn, write, policies)) === 'Allowed') writers.push(arn);
      else lockedOut.push(arn);
    }
    expect(lockedOut).toEqual([]);
    // start-builds, the watcher, pipeline-disabled, 6 promotion tasks and the callback, reconcile, the lifecycle's,
    // Slack, the summary, the re-drive and the operator endpoint: at least these.
    expect(writers.length).toBeGreaterThanOrEqual(10);
    const [statement] = tablePolicy.Statement as { Condition: { ArnNotLike: { 'aws:PrincipalArn': string[] } } }[];
    expect([...(statement?.Condition.ArnNotLike['aws:PrincipalArn'] ?? [])].sort()).toEqual(writers.sort());
  });

  it('indexes open work and the image views sparsely, and lets only their readers read each index, as they read it', async () => {
    const [[, table] = ['', {}]] = resources('AWS::DynamoDB::Table');
    const props = resolver.resolve(table.Properties) as {
      GlobalSecondaryIndexes?: { IndexName: string; KeySchema: unknown; Projection: unknown }[];
    };
    expect(props.GlobalSecondaryIndexes).toEqual(LEDGER_INDEXES);
    const allowed = async (arn: string, policies: PolicyDocument[], resource: string, action = 'dynamodb:Query') =>
      (
        await evaluate({
          principal: arn,
          action,
          resource,
          resourceAccount: ACCOUNT,
          context: {},
          identityPolicies: policies,
        })
      ).decision === 'Allowed';
    const openWorkArn = `${tableArn}/index/${openWorkIndex.name}`;
    const imageViewArn = `${tableArn}/index/${imageViewIndex.name}`;
    // The reconciler Scans open work (every kind it acts on at once), the holdings auditor Queries it (its scheduled
    // revocations), the health gauges Query the image views; neither the other's index, nor the other's way, and a
    // role granted only some ledger actions (Slack's) neither.
    const only = (pattern: RegExp) => [...roles].filter(([arn]) => pattern.test(arn));
    const [reconciler, auditor, gauges, slack] = [
      only(/role\/[^/]*-Reconcile$/),
      only(/role\/[^/]*-AuditHoldings$/),
      only(/role\/[^/]*-Health$/),
      only(/role\/[^/]*-SlackNotify$/),
    ];
    expect([reconciler.length, auditor.length, gauges.length, slack.length]).toEqual([1, 1, 1, 1]);
    for (const [arn, policies] of reconciler) {
      expect(await allowed(arn, policies, openWorkArn, 'dynamodb:Scan'), arn).toBe(true);
      expect(await allowed(arn, policies, openWorkArn), arn).toBe(false);
      expect(await allowed(arn, policies, imageViewArn, 'dynamodb:Scan'), arn).toBe(false);
    }
    for (const [arn, policies] of auditor) {
      expect(await allowed(arn, policies, openWorkArn), arn).toBe(true);
      expect(await allowed(arn, policies, openWorkArn, 'dynamodb:Scan'), arn).toBe(false);
      expect(await allowed(arn, policies, imageViewArn), arn).toBe(false);
    }
    for (const [arn, policies] of gauges) {
      expect(await allowed(arn, policies, imageViewArn), arn).toBe(true);
      expect(await allowed(arn, policies, openWorkArn), arn).toBe(false);
    }
    for (const [arn, policies] of slack) {
      expect(await allowed(arn, policies, openWorkArn), arn).toBe(false);
      expect(await allowed(arn, policies, imageViewArn), arn).toBe(false);
    }
  });

  it("refuses writes to the operators' role (people change state through the operator endpoint only)", async () => {
    const operators = [...roles.keys()].find((arn) => arn.endsWith('-operators'));
    expect(operators).toBeDefined();
    const policies = roles.get(operators ?? '') ?? [];
    expect(await decide(operators ?? '', 'dynamodb:PutItem', [...policies, ADMIN_POLICY])).toBe('ExplicitlyDenied');
    expect(await decide(operators ?? '', 'dynamodb:Query', policies)).toBe('Allowed');
  });

  it("lets the operators' role Query the open-work index (preflight --stage reads the open rollouts there), and not the image-view one", async () => {
    const operators = [...roles.keys()].find((arn) => arn.endsWith('-operators')) ?? '';
    const query = async (index: string) =>
      (
        await evaluate({
          principal: operators,
          action: 'dynamodb:Query',
          resource: `${tableArn}/index/${index}`,
          resourceAccount: ACCOUNT,
          context: {},
          identityPolicies: roles.get(operators) ?? [],
        })
      ).decision;
    expect(await query(openWorkIndex.name)).toBe('Allowed');
    expect(await query(imageViewIndex.name)).not.toBe('Allowed');
  });
});
