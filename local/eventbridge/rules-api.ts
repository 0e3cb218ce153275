import {
  EventBridgeServiceException,
  LimitExceededException,
  ResourceNotFoundException,
} from '@aws-sdk/client-eventbridge';
import { errorFactory, type FakeCall, NotImplementedByFakeError } from '../fakes/common.js';
import type { BusRule } from './bus.js';

/**
 * EventBridge's rule API over the local cloud's routing table (the same `BusRule` objects the local bus routes with),
 * so a change made through the API changes what is delivered: ListRules (NamePrefix, paginated by Limit/NextToken),
 * DescribeRule, EnableRule and DisableRule (a DISABLED rule matches nothing), PutRule (creates, or replaces the pattern
 * and state of, a rule of that name), DeleteRule (refused while the rule has targets: "Before you can delete the rule,
 * you must remove all targets", https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_DeleteRule.html; a
 * rule that does not exist is no error), ListTargetsByRule, PutTargets (at most five targets a rule,
 * LimitExceededException) and RemoveTargets (per-entry results). Each call acts on the rules of its own Region.
 */

const error = errorFactory(EventBridgeServiceException);
const MAX_TARGETS_PER_RULE = 5;

interface TargetEntry {
  Id?: string;
  Arn?: string;
  RoleArn?: string;
}

export class EventBridgeRulesApi {
  constructor(
    private readonly rules: BusRule[],
    private readonly homeRegion: string,
    private readonly accountId: string,
  ) {}

  private busOf(call: FakeCall): string {
    return String(call.input.EventBusName ?? 'default')
      .split('/')
      .pop() as string;
  }

  private inRegion(call: FakeCall): BusRule[] {
    const bus = this.busOf(call);
    return this.rules.filter((r) => (r.region ?? this.homeRegion) === call.region && r.eventBusName === bus);
  }

  private find(call: FakeCall, name: unknown): BusRule | undefined {
    return this.inRegion(call).find((r) => (r.ruleName ?? r.name) === name);
  }

  private get(call: FakeCall, name: unknown): BusRule {
    const rule = this.find(call, name);
    if (!rule) {
      throw error(ResourceNotFoundException, `Rule ${String(name)} does not exist on EventBus ${this.busOf(call)}.`);
    }
    return rule;
  }

  private arnOf(rule: BusRule, region: string): string {
    const name = rule.ruleName ?? rule.name;
    const path = rule.eventBusName === 'default' ? name : `${rule.eventBusName}/${name}`;
    return `arn:aws:events:${region}:${this.accountId}:rule/${path}`;
  }

  private describe(rule: BusRule, region: string) {
    return {
      Name: rule.ruleName ?? rule.name,
      Arn: this.arnOf(rule, region),
      EventPattern: JSON.stringify(rule.pattern),
      State: rule.state ?? 'ENABLED',
      EventBusName: rule.eventBusName,
    };
  }

  /** Handles a rule call, or answers undefined for an action that is not about rules. */
  handle(call: FakeCall): unknown {
    const input = call.input;
    switch (call.action) {
      case 'ListRules': {
        const prefix = String(input.NamePrefix ?? '');
        const all = this.inRegion(call)
          .filter((r) => (r.ruleName ?? r.name).startsWith(prefix))
          .sort((a, b) => (a.ruleName ?? a.name).localeCompare(b.ruleName ?? b.name));
        const start = Number(input.NextToken ?? 0);
        const limit = Math.min(Number(input.Limit ?? 100), 100);
        const page = all.slice(start, start + limit);
        const next = start + limit < all.length ? String(start + limit) : undefined;
        return { Rules: page.map((r) => this.describe(r, call.region)), ...(next ? { NextToken: next } : {}) };
      }
      case 'DescribeRule':
        return this.describe(this.get(call, input.Name), call.region);
      case 'EnableRule':
      case 'DisableRule':
        this.get(call, input.Name).state = call.action === 'EnableRule' ? 'ENABLED' : 'DISABLED';
        return {};
      case 'PutRule':
        return this.putRule(call);
      case 'DeleteRule': {
        const rule = this.find(call, input.Name);
        if (!rule) return {};
        if (rule.targets.length > 0) throw error('ValidationException', "Rule can't be deleted since it has targets.");
        this.rules.splice(this.rules.indexOf(rule), 1);
        return {};
      }
      case 'ListTargetsByRule': {
        const rule = this.get(call, input.Rule);
        return {
          Targets: rule.targets.map((arn) => {
            const t = rule.targetIds?.[arn];
            return { Id: t?.id ?? arn, Arn: arn, ...(t?.roleArn ? { RoleArn: t.roleArn } : {}) };
          }),
        };
      }
      case 'PutTargets':
        return this.putTargets(call);
      case 'RemoveTargets': {
        const rule = this.get(call, input.Rule);
        const ids = new Set((input.Ids ?? []) as string[]);
        for (const arn of [...rule.targets]) {
          const id = rule.targetIds?.[arn]?.id ?? arn;
          if (!ids.has(id)) continue;
          rule.targets.splice(rule.targets.indexOf(arn), 1);
          if (rule.targetIds) delete rule.targetIds[arn];
        }
        return { FailedEntryCount: 0, FailedEntries: [] };
      }
      default:
        throw new NotImplementedByFakeError('events', call.action);
    }
  }

  private putRule(call: FakeCall) {
    const input = call.input;
    const name = String(input.Name ?? '');
    if (!/^[.\-_A-Za-z0-9]{1,64}$/.test(name)) throw error('ValidationException', `Rule name ${name} is not valid.`);
    let pattern: unknown;
    try {
      pattern = JSON.parse(String(input.EventPattern ?? ''));
    } catch {
      throw error('InvalidEventPatternException', 'Event pattern is not valid.');
    }
    const state = input.State === 'DISABLED' ? 'DISABLED' : 'ENABLED';
    const existing = this.find(call, name);
    const rule: BusRule = existing ?? {
      name: call.region === this.homeRegion ? name : `${call.region}/${name}`,
      ruleName: name,
      eventBusName: this.busOf(call),
      ...(call.region === this.homeRegion ? {} : { region: call.region }),
      pattern,
      targets: [],
    };
    rule.pattern = pattern;
    rule.state = state;
    if (!existing) this.rules.push(rule);
    return { RuleArn: this.arnOf(rule, call.region) };
  }

  private putTargets(call: FakeCall) {
    const rule = this.get(call, call.input.Rule);
    const entries = (call.input.Targets ?? []) as TargetEntry[];
    for (const t of entries) {
      const arn = t.Arn ?? '';
      const byId = Object.entries(rule.targetIds ?? {}).find(([, v]) => v.id === t.Id)?.[0];
      if (byId !== undefined && byId !== arn) rule.targets.splice(rule.targets.indexOf(byId), 1);
      if (!rule.targets.includes(arn)) {
        if (rule.targets.length >= MAX_TARGETS_PER_RULE) {
          throw error(LimitExceededException, `The requested resource exceeds the maximum number allowed.`);
        }
        rule.targets.push(arn);
      }
      const ids = { ...rule.targetIds };
      if (byId !== undefined) delete ids[byId];
      ids[arn] = { id: t.Id ?? arn, roleArn: t.RoleArn };
      rule.targetIds = ids;
    }
    return { FailedEntryCount: 0, FailedEntries: [] };
  }
}
