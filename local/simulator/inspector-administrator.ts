import type { Catalog } from '../../core/config/schema.js';
import { inspectorFindingsRoleTemplate } from '../../core/lifecycle/inspector-reader.js';
import type { MemberAccess } from '../fakes/member-access.js';
import type { PolicyDocument } from '../trust/policies.js';
import type { Wiring } from './wiring.js';

/**
 * A security account as Inspector's delegated administrator (`organization.inspectorAdministrator`), as its team
 * leaves it after following docs/deploy.md: the stack of docs/templates/inspector-findings-role.json deployed with
 * this stage, the factory account and the organization id. The role's documents are the template's own, with its
 * parameters and pseudo parameters substituted, so the fakes evaluate what deploys.
 */

/** The role's ARN on-finding assumes: what the stacks put in its environment (`INSPECTOR_FINDINGS_ROLE_ARN`). */
export function inspectorFindingsRoleArnOf(wiring: Wiring): string | undefined {
  for (const f of wiring.functions.values()) {
    const arn = f.environment.INSPECTOR_FINDINGS_ROLE_ARN;
    if (f.handler === 'functions/on-finding.handler' && arn) return arn;
  }
  return undefined;
}

/** The template's value with `Fn::Sub` and `Ref` of `parameters` resolved. */
function substitute(value: unknown, parameters: Readonly<Record<string, string>>): unknown {
  if (Array.isArray(value)) return value.map((v) => substitute(v, parameters));
  if (typeof value !== 'object' || value === null) return value;
  const record = value as Record<string, unknown>;
  if (typeof record['Fn::Sub'] === 'string') {
    return record['Fn::Sub'].replace(/\$\{([^}]+)\}/g, (whole, name: string) => parameters[name] ?? whole);
  }
  if (typeof record.Ref === 'string') return parameters[record.Ref] ?? record;
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, substitute(v, parameters)]));
}

/** The role as the template declares it in `administrator`'s account for this stage, factory and organization. */
export function inspectorFindingsRole(
  roleArn: string,
  factoryAccount: string,
  organizationId: string,
): { arn: string; trust: PolicyDocument; policies: PolicyDocument[] } {
  const [, partition = 'aws', , , administrator = '', resource = ''] = roleArn.split(':');
  const stage = /^role\/goldsmith-(.+)-inspector-findings$/.exec(resource)?.[1];
  if (!stage) throw new Error(`${roleArn} is not a goldsmith-<stage>-inspector-findings role`);
  const template = substitute(inspectorFindingsRoleTemplate(), {
    Stage: stage,
    FactoryAccount: factoryAccount,
    OrganizationId: organizationId,
    'AWS::Partition': partition,
    'AWS::AccountId': administrator,
  }) as { Resources: { InspectorFindingsRole: { Properties: Record<string, unknown> } } };
  const props = template.Resources.InspectorFindingsRole.Properties;
  const arn = `arn:${partition}:iam::${administrator}:role/${String(props.RoleName)}`;
  if (arn !== roleArn) throw new Error(`the template names ${arn}, the stacks ${roleArn}`);
  return {
    arn,
    trust: props.AssumeRolePolicyDocument as PolicyDocument,
    policies: (props.Policies as { PolicyDocument: PolicyDocument }[]).map((p) => p.PolicyDocument),
  };
}

/**
 * Deploys the findings role in the delegated administrator's account when the catalog names one; does nothing when
 * the factory is the administrator. Answers the role's ARN, if any.
 */
export function deployInspectorFindingsRole(options: {
  catalog: Catalog;
  wiring: Wiring;
  memberAccess: MemberAccess;
  factoryAccount: string;
}): string | undefined {
  const { catalog, wiring, memberAccess, factoryAccount } = options;
  if (catalog.organization.inspectorAdministrator === undefined) return undefined;
  const roleArn = inspectorFindingsRoleArnOf(wiring);
  if (!roleArn) throw new Error('the stacks give on-finding no INSPECTOR_FINDINGS_ROLE_ARN');
  memberAccess.defineRole(inspectorFindingsRole(roleArn, factoryAccount, catalog.organization.id));
  return roleArn;
}
