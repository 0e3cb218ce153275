import type { BusRule } from '../eventbridge/bus.js';
import { busPolicyOf, type PolicyDocument } from '../trust/policies.js';
import type { CfnTemplate, TemplateResolver } from './intrinsics.js';

/**
 * The rules the stacks make in other Regions through EventBridge's own API (`Custom::GoldsmithFindingForwardRule`:
 * PutRule, `Custom::GoldsmithFindingForwardTarget`: PutTargets, each called in its Region), as a deploy would leave
 * them: a rule on that Region's default bus whose target is an event bus. A deploy fails where EventBridge would
 * refuse a call: a target put on a rule not made in its Region (ResourceNotFoundException), or a target bus whose
 * policy does not admit the rule — EventBridge checks the receiving bus's policy when the target is put, also within
 * one account (https://github.com/ministryofjustice/modernisation-platform-environments/pull/19002).
 */

interface ApiCall {
  action?: string;
  region?: string;
  parameters?: {
    Name?: string;
    EventPattern?: string;
    State?: string;
    Rule?: string;
    Targets?: { Id?: string; Arn?: string; RoleArn?: string }[];
  };
}

function callsOf(templates: readonly CfnTemplate[], resolver: TemplateResolver, type: string): ApiCall[] {
  return templates.flatMap((t) =>
    Object.values(t.Resources ?? {})
      .filter((r) => r.Type === type)
      .map((r) => JSON.parse(String(resolver.resolve(r.Properties?.Create))) as ApiCall),
  );
}

const EVENT_BUS_ARN = /^arn:aws[a-z-]*:events:([a-z0-9-]+):(\d{12}):event-bus\/(.+)$/;

/** True when `policy` allows events:PutEvents from the rule `ruleArn` (named in its aws:SourceArn condition). */
function admits(policy: PolicyDocument | undefined, ruleArn: string): boolean {
  const statements = (policy?.Statement ?? []) as {
    Effect?: string;
    Action?: string | string[];
    Condition?: { ArnEquals?: Record<string, string | string[]>; ArnLike?: Record<string, string | string[]> };
  }[];
  return statements.some((s) => {
    const actions = Array.isArray(s.Action) ? s.Action : [s.Action];
    if (s.Effect !== 'Allow' || !actions.includes('events:PutEvents')) return false;
    const named = s.Condition?.ArnEquals?.['aws:SourceArn'] ?? s.Condition?.ArnLike?.['aws:SourceArn'];
    return (Array.isArray(named) ? named : [named]).includes(ruleArn);
  });
}

/** The forwarding rules of the synthesized stacks, each on its own Region's default bus. */
export function readForwardingRules(templates: readonly CfnTemplate[], resolver: TemplateResolver): BusRule[] {
  const { accountId } = resolver.env;
  const rules = new Map<string, BusRule>();
  for (const call of callsOf(templates, resolver, 'Custom::GoldsmithFindingForwardRule')) {
    const { region, parameters: p } = call;
    if (call.action !== 'PutRule' || !region || !p?.Name || !p.EventPattern) {
      throw new Error(
        'a forwarding rule resource does not call EventBridge PutRule with a Region, a name and a pattern',
      );
    }
    if ((p.State ?? 'ENABLED') !== 'ENABLED') continue;
    rules.set(`${region}/${p.Name}`, {
      name: `${region}/${p.Name}`,
      ruleName: p.Name,
      eventBusName: 'default',
      region,
      pattern: JSON.parse(p.EventPattern),
      targets: [],
    });
  }
  for (const call of callsOf(templates, resolver, 'Custom::GoldsmithFindingForwardTarget')) {
    const { region, parameters: p } = call;
    const rule = rules.get(`${region}/${p?.Rule}`);
    if (call.action !== 'PutTargets' || !rule) {
      throw new Error(`PutTargets in ${region}: ResourceNotFoundException: Rule ${p?.Rule} does not exist`);
    }
    for (const target of p?.Targets ?? []) {
      const bus = EVENT_BUS_ARN.exec(target.Arn ?? '');
      if (!bus || !target.RoleArn) {
        throw new Error(`PutTargets in ${region}: a forwarding target must be an event bus with a role`);
      }
      const ruleArn = `arn:aws:events:${region}:${accountId}:rule/${p?.Rule}`;
      if (bus[2] === accountId && !admits(busPolicyOf(templates, resolver, bus[3] ?? ''), ruleArn)) {
        throw new Error(
          `PutTargets in ${region}: AccessDeniedException: the policy of ${target.Arn} does not admit ${ruleArn}`,
        );
      }
      rule.targets.push(target.Arn ?? '');
      rule.targetIds = { ...rule.targetIds, [target.Arn ?? '']: { id: target.Id ?? '', roleArn: target.RoleArn } };
    }
  }
  return [...rules.values()];
}
