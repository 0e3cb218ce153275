import { EventBridgeServiceException } from '@aws-sdk/client-eventbridge';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configureClients } from '../../aws/clients/registry.js';
import type { WantedRule } from '../../core/audit/rules.js';
import { changesForwardRuleName, findingForwardRuleName } from '../../core/names.js';
import { auditForwardingRules } from '../../functions/audit/rules.js';
import type { BusRule } from '../../local/eventbridge/bus.js';
import { EventBridgeRulesApi } from '../../local/eventbridge/rules-api.js';
import { EventBridgeFake } from '../../local/eventbridge/service.js';
import { errorFactory, type FakeCall } from '../../local/fakes/common.js';
import { useLocalDynamo } from '../helpers/ledger-table.js';
import { configureAuditClients, driftAnnouncements, startAuditCloud } from './audit-fixtures.js';

/**
 * The forwarding rules' read (with the launch-permission sweep, and on a rule's change event): each Region's two rules
 * in one ListRules (under the prefix their names share) instead of a DescribeRule each, then each rule's targets; a
 * rule the listing lacks is deleted, and one a partial listing (a NextToken) does not show is described on its own.
 */

const ACCOUNT = '123456789012';
const NOW = new Date('2027-01-18T00:10:00Z');
const NOTIFY = `arn:aws:sns:us-east-1:${ACCOUNT}:goldsmith-test-notifications`;
const HOME_BUS = `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/default`;
const ROLE = `arn:aws:iam::${ACCOUNT}:role/test-goldsmith-forwarding`;
const REGIONS = ['eu-west-1', 'ap-southeast-2'];
const FINDINGS = findingForwardRuleName('test');
const CHANGES = changesForwardRuleName('test');

const wanted = (name: string, source: string): WantedRule => ({
  name,
  regions: REGIONS,
  pattern: { source: [source] },
  description: `forwards ${source} home`,
  target: { id: 'goldsmith-home-bus', arn: HOME_BUS, roleArn: ROLE },
});
const WANTED = [wanted(FINDINGS, 'aws.inspector2'), wanted(CHANGES, 'aws.ssm')];

const denied = errorFactory(EventBridgeServiceException);
const dynamo = useLocalDynamo();
let rules: BusRule[];
/** The EventBridge calls the audit made, as `Action region`. */
let calls: string[];
/** Actions the EventBridge fake refuses as the role lacking them would (AccessDeniedException). */
let refused: Set<string>;

/** A rule of `region`'s default bus as the stacks make it (or as `name` for a rule that is not Goldsmith's). */
const made = (w: WantedRule, region: string): BusRule => ({
  name: `${region}/${w.name}`,
  ruleName: w.name,
  eventBusName: 'default',
  region,
  state: 'ENABLED',
  pattern: w.pattern,
  targets: [HOME_BUS],
  targetIds: { [HOME_BUS]: { id: w.target.id, roleArn: ROLE } },
});
const ruleIn = (name: string, region: string) => {
  const rule = rules.find((r) => r.ruleName === name && r.region === region);
  if (!rule) throw new Error(`no rule ${name} in ${region}`);
  return rule;
};
const count = (action: string) => calls.filter((c) => c.startsWith(`${action} `)).length;

beforeEach(async () => {
  const { clock, cloud } = await startAuditCloud(dynamo.endpoint, NOW, ACCOUNT, NOTIFY);
  rules = REGIONS.flatMap((region) => WANTED.map((w) => made(w, region)));
  // Another rule under the stage's prefix: listed with them, compared with nothing.
  rules.push({ ...made(WANTED[0] as WantedRule, 'eu-west-1'), ruleName: 'test-goldsmith-Other', name: 'other' });
  calls = [];
  refused = new Set();
  const eventbridge = new EventBridgeFake(
    () => undefined,
    () => clock.now(),
    undefined,
    new EventBridgeRulesApi(rules, 'us-east-1', ACCOUNT),
  );
  const counted = {
    handle: (call: FakeCall) => {
      calls.push(`${call.action} ${call.region}`);
      if (refused.has(call.action)) throw denied('AccessDeniedException', `not authorized to perform ${call.action}`);
      return eventbridge.handle(call);
    },
  };
  configureAuditClients(cloud, dynamo.endpoint, { service: 'eventbridge', fake: counted, clock, accountId: ACCOUNT });
  cloud.fakes.sns.topics.add(NOTIFY);
  announcements = () => driftAnnouncements(cloud, NOTIFY);
});

let announcements: () => { severity: string | undefined; subject: string }[];

afterEach(() => configureClients({}));

describe("the forwarding rules' read, a Region's rules in one listing", () => {
  it("lists each Region once, then reads each rule's targets, while the rules are as made", async () => {
    const part = await auditForwardingRules(NOW, undefined, WANTED);

    expect(part).toMatchObject({ checked: 4, reads: 6, findings: [], failures: [] });
    expect([count('ListRules'), count('ListTargetsByRule'), count('DescribeRule')]).toEqual([2, 4, 0]);
  });

  it('finds a rule whose target someone replaced, and puts the home bus back', async () => {
    const rule = ruleIn(FINDINGS, 'ap-southeast-2');
    const elsewhere = `arn:aws:events:ap-southeast-2:999999999999:event-bus/default`;
    rule.targets = [elsewhere];
    rule.targetIds = { [elsewhere]: { id: 'theirs', roleArn: ROLE } };

    const part = await auditForwardingRules(NOW, ['ap-southeast-2'], WANTED);

    expect(part.findings.map((f) => [f.name, f.region, f.repaired])).toEqual([[FINDINGS, 'ap-southeast-2', true]]);
    expect(ruleIn(FINDINGS, 'ap-southeast-2').targets).toEqual([HOME_BUS]);
  });

  it('finds a deleted, a disabled and a re-patterned rule as before, puts each back, with one read per Region', async () => {
    rules.splice(rules.indexOf(ruleIn(FINDINGS, 'eu-west-1')), 1);
    ruleIn(CHANGES, 'eu-west-1').state = 'DISABLED';
    ruleIn(FINDINGS, 'ap-southeast-2').pattern = { source: ['aws.nothing'] };

    const part = await auditForwardingRules(NOW, undefined, WANTED);

    expect(part.findings.map((f) => [f.name, f.region, f.found, f.repaired])).toEqual([
      [FINDINGS, 'eu-west-1', 'no such rule (deleted)', true],
      [FINDINGS, 'ap-southeast-2', 'another event pattern', true],
      [CHANGES, 'eu-west-1', 'disabled', true],
    ]);
    expect(announcements()).toHaveLength(3);
    expect(ruleIn(FINDINGS, 'eu-west-1')).toMatchObject({ state: 'ENABLED', targets: [HOME_BUS] });
    expect(ruleIn(CHANGES, 'eu-west-1').state).toBe('ENABLED');
    // The read: one listing per Region (a DescribeRule each would be four); each repair's read-back describes its rule.
    expect([count('ListRules'), count('DescribeRule')]).toEqual([2, 3]);
  });

  it('describes the rules a partial listing does not show: at most one call more than a DescribeRule each', async () => {
    // A hundred rules under the prefix that sort before Goldsmith's: the first page holds none of the two.
    for (let i = 0; i < 100; i++) {
      rules.push({ ...made(WANTED[0] as WantedRule, 'eu-west-1'), ruleName: `test-goldsmith-a${i}`, name: `a${i}` });
    }
    rules.splice(rules.indexOf(ruleIn(CHANGES, 'eu-west-1')), 1);

    const part = await auditForwardingRules(NOW, ['eu-west-1'], WANTED);

    expect(part.findings.map((f) => [f.name, f.found])).toEqual([[CHANGES, 'no such rule (deleted)']]);
    // The listing's first page, each rule described, then the deleted one's read-back; the rule that exists has its
    // targets read (two reads counted for each rule described, as a DescribeRule each would).
    expect([count('ListRules'), count('DescribeRule'), count('ListTargetsByRule')]).toEqual([1, 3, 2]);
    expect(part.reads).toBe(5);
  });

  it('reads rule by rule in a Region whose listing fails, and still finds a disabled rule', async () => {
    refused.add('ListRules');
    ruleIn(CHANGES, 'eu-west-1').state = 'DISABLED';

    const part = await auditForwardingRules(NOW, ['eu-west-1'], WANTED);

    expect(part.failures).toEqual([]);
    expect(part.findings.map((f) => [f.name, f.found, f.repaired])).toEqual([[CHANGES, 'disabled', true]]);
    // The refused listing, each rule described, the repaired one's read-back: one call more than before.
    expect([count('ListRules'), count('DescribeRule')]).toEqual([1, 3]);
  });

  it('describes a Region holding one of the rules: a listing would save nothing', async () => {
    const part = await auditForwardingRules(NOW, ['eu-west-1'], [WANTED[0] as WantedRule]);

    expect(part).toMatchObject({ checked: 1, reads: 2, findings: [] });
    expect(calls).toEqual(['DescribeRule eu-west-1', 'ListTargetsByRule eu-west-1']);
  });
});
