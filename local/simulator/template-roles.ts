import type { IamFake } from '../fakes/iam.js';
import type { CfnTemplate, TemplateResolver } from './intrinsics.js';

const obj = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);

/**
 * The stacks' IAM roles, as CloudFormation creates them: each `AWS::IAM::Role` named as the template resolves it,
 * with its trust policy, its own `Policies`, its `ManagedPolicyArns` and `PermissionsBoundary`; each `AWS::IAM::Policy`
 * put on the roles its `Roles` names (an inline policy of each), each `AWS::IAM::ManagedPolicy` attached to its
 * `Roles`. A policy on a role of no template (one imported by name) is not the local cloud's to hold.
 */
export function deployTemplateRoles(templates: readonly CfnTemplate[], resolver: TemplateResolver, iam: IamFake): void {
  const resources = templates.flatMap((t) => Object.entries(t.Resources ?? {}));
  for (const [id, r] of resources) {
    if (r.Type !== 'AWS::IAM::Role') continue;
    const p = obj(resolver.resolve(r.Properties ?? {}));
    const inline = Object.fromEntries(
      list(p.Policies).map((policy) => [String(obj(policy).PolicyName), obj(policy).PolicyDocument]),
    );
    iam.deploy({
      RoleName: resolver.physicalName(id),
      Path: typeof p.Path === 'string' ? p.Path : undefined,
      trust: p.AssumeRolePolicyDocument,
      inline,
      attached: list(p.ManagedPolicyArns).map(String),
      boundary: typeof p.PermissionsBoundary === 'string' ? p.PermissionsBoundary : undefined,
    });
  }
  for (const [id, r] of resources) {
    if (r.Type !== 'AWS::IAM::Policy' && r.Type !== 'AWS::IAM::ManagedPolicy') continue;
    const p = obj(resolver.resolve(r.Properties ?? {}));
    for (const name of list(p.Roles).map(String)) {
      const role = iam.roles.get(name);
      if (!role) continue;
      if (r.Type === 'AWS::IAM::Policy') role.inline.set(String(p.PolicyName), JSON.stringify(p.PolicyDocument));
      else role.attached.push(String(resolver.resolve({ Ref: id })));
    }
  }
}
