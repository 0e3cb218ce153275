import { imagesIn } from './attribution.js';
import type { Measurement } from './report.js';
import { type DeployLengthResolver, type StackTemplate, shortStackName } from './resolve.js';

/**
 * IAM and EventBridge measurements of a synthesized app: each role's inline policies together, its trust policy
 * and managed-policy count, each managed policy, each rule's pattern and targets, rules per bus, each bus policy.
 * Policies attach across stacks (a policy in one stack naming a role of another), so roles are keyed by stack.
 */

type Json = unknown;

/** IAM counts policy characters without white space. */
export function policyCharacters(document: Json): number {
  return JSON.stringify(document).replace(/\s/g, '').length;
}

interface RoleFigures {
  subject: string;
  inline: number;
  managed: number;
  trust: number;
  images: Set<string>;
}

function roleKey(stack: string, logicalId: string): string {
  return `${stack}/${logicalId}`;
}

function iamMeasurements(
  stacks: readonly StackTemplate[],
  resolver: DeployLengthResolver,
  images: readonly string[],
): Measurement[] {
  const roles = new Map<string, RoleFigures>();
  const out: Measurement[] = [];
  for (const s of stacks) {
    for (const [id, r] of Object.entries(s.template.Resources ?? {})) {
      if (r.Type !== 'AWS::IAM::Role') continue;
      const props = resolver.resolve(r.Properties ?? {}, s) as {
        Policies?: { PolicyDocument: Json }[];
        ManagedPolicyArns?: Json[];
        AssumeRolePolicyDocument?: Json;
      };
      const inline = props.Policies ?? [];
      roles.set(roleKey(s.stack, id), {
        subject: `role ${id} (${shortStackName(s.stack)})`,
        inline: inline.reduce<number>((n, p) => n + policyCharacters(p.PolicyDocument), 0),
        managed: props.ManagedPolicyArns?.length ?? 0,
        trust: policyCharacters(props.AssumeRolePolicyDocument ?? {}),
        images: new Set(imagesIn(inline, images)),
      });
    }
  }
  for (const s of stacks) {
    for (const [id, r] of Object.entries(s.template.Resources ?? {})) {
      if (r.Type !== 'AWS::IAM::Policy' && r.Type !== 'AWS::IAM::ManagedPolicy') continue;
      const document = resolver.resolve(r.Properties?.PolicyDocument ?? {}, s);
      const size = policyCharacters(document);
      const mentioned = imagesIn(document, images);
      if (r.Type === 'AWS::IAM::ManagedPolicy') {
        out.push({
          limit: 'iamManagedPolicyChars',
          subject: `managed policy ${id} (${shortStackName(s.stack)})`,
          value: size,
          field: mentioned.length > 0 ? 'images' : 'catalog',
          images: mentioned,
        });
      }
      // Stryker disable next-line ArrayDeclaration: a text in place of the missing list is a literal, which targets no role
      for (const ref of (r.Properties?.Roles as Json[] | undefined) ?? []) {
        const target = resolver.target(ref, s);
        const role = target && roles.get(roleKey(target.stack, target.logicalId));
        if (!role) continue;
        if (r.Type === 'AWS::IAM::Policy') role.inline += size;
        else role.managed += 1;
        for (const image of mentioned) role.images.add(image);
      }
    }
  }
  for (const role of roles.values()) {
    const field = role.images.size > 0 ? 'images' : 'catalog';
    const involved = [...role.images];
    out.push(
      { limit: 'iamRoleInlineChars', subject: role.subject, value: role.inline, field, images: involved },
      { limit: 'iamManagedPoliciesPerRole', subject: role.subject, value: role.managed, field: 'catalog' },
      { limit: 'iamTrustPolicyChars', subject: role.subject, value: role.trust, field: 'access' },
    );
  }
  return out;
}

function eventMeasurements(
  stacks: readonly StackTemplate[],
  resolver: DeployLengthResolver,
  images: readonly string[],
): Measurement[] {
  const out: Measurement[] = [];
  const rulesPerBus = new Map<string, number>();
  const busPolicies = new Map<string, Json[]>();
  for (const s of stacks) {
    for (const [id, r] of Object.entries(s.template.Resources ?? {})) {
      const subject = `rule ${id} (${shortStackName(s.stack)})`;
      if (r.Type === 'AWS::Events::Rule') {
        const bus = String(resolver.resolve(r.Properties?.EventBusName ?? 'default', s));
        rulesPerBus.set(bus, (rulesPerBus.get(bus) ?? 0) + 1);
        const targets = (r.Properties?.Targets as Json[] | undefined)?.length ?? 0;
        out.push({ limit: 'eventTargetsPerRule', subject, value: targets, field: 'catalog' });
        if (r.Properties?.EventPattern !== undefined) {
          const pattern = resolver.resolve(r.Properties.EventPattern, s);
          out.push({
            limit: 'eventPatternChars',
            subject,
            value: JSON.stringify(pattern).length,
            field: 'images',
            images: imagesIn(pattern, images),
          });
        }
      }
      if (r.Type === 'AWS::Events::EventBusPolicy') {
        const bus = String(resolver.resolve(r.Properties?.EventBusName ?? 'default', s));
        const statement = resolver.resolve(r.Properties?.Statement ?? {}, s);
        busPolicies.set(bus, [...(busPolicies.get(bus) ?? []), statement]);
      }
    }
  }
  for (const [bus, count] of rulesPerBus) {
    out.push({ limit: 'eventRulesPerBus', subject: `event bus ${bus}`, value: count, field: 'images' });
  }
  for (const [bus, statements] of busPolicies) {
    const policy = { Version: '2012-10-17', Statement: statements };
    out.push({
      limit: 'eventBusPolicyChars',
      subject: `event bus ${bus} policy`,
      value: JSON.stringify(policy).length,
      field: 'access',
    });
  }
  return out;
}

/** IAM and EventBridge measurements over every stack of an app. */
export function policyMeasurements(
  stacks: readonly StackTemplate[],
  resolver: DeployLengthResolver,
  images: readonly string[],
): Measurement[] {
  return [...iamMeasurements(stacks, resolver, images), ...eventMeasurements(stacks, resolver, images)];
}
