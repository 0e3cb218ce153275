import { DescribeRuleCommand, ListTargetsByRuleCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventbridgeClient } from '../../aws/clients/eventbridge.js';
import { changesForwardRuleName, findingForwardRuleName } from '../../core/names.js';
import type { LocalCloud } from '../../local/simulator/cloud.js';
import { armSchedule } from '../../local/simulator/driver.js';
import { raiseInstanceFinding } from '../../local/simulator/inspector-findings.js';
import { performOutsideChange } from '../../local/simulator/outside-change.js';
import { devChannel, prodChannel } from '../scenarios/helpers.js';
import { ACCOUNT } from './operator-helpers.js';
import { findingInEuWest1 as finding, ledgerItems, startTwoRegionCloud } from './region-fixtures.js';

/**
 * Attack: an administrator of the factory account (no Goldsmith role) silences Inspector's findings of a distribution
 * Region by disabling, emptying or deleting the rule that forwards them home. Each is found by the next audit, put
 * back as the stacks made it and announced; findings raised afterwards reach on-finding again.
 */

const RULE = findingForwardRuleName('local');
let cloud: LocalCloud;
let member: string;

const items = (prefix: string, pk?: string) => ledgerItems(cloud, prefix, pk);
/** A HIGH finding on the member's eu-west-1 instance of base 1.0.0/1 (region-fixtures.ts). */
const findingInEuWest1 = (id: string) => finding({ cloud, member }, id, 'HIGH');

const later = (minutes: number) => new Date(cloud.clock.now() + minutes * 60_000).toISOString();
/**
 * The audit's next daily run (its schedule's run at midnight UTC, the full pass), as the simulator arms it (this
 * cloud arms no schedule by itself), and the virtual clock run past it.
 */
const pastNextAudit = () => {
  const midnight = new Date(cloud.clock.now());
  midnight.setUTCDate(midnight.getUTCDate() + 1);
  midnight.setUTCHours(0, 0, 0, 0);
  armSchedule(cloud, 'AuditHoldingsSchedule', midnight.getTime());
  return cloud.clock.run(new Date(midnight.getTime() + 30 * 60_000).toISOString());
};

/** Someone outside Goldsmith disables or deletes a rule in eu-west-1. */
const changeRuleInEuWest1 = (action: 'disable-rule' | 'delete-rule', rule: string) =>
  performOutsideChange(cloud, { kind: 'outside-change', action, rule, region: 'eu-west-1' });

const ruleDrifts = () =>
  cloud.installed.fakes.sns.messages
    .filter((m) => m.attributes.event === 'drift-found' && (m.subject ?? '').includes(RULE))
    .map((m) => ({ subject: m.subject ?? '', severity: m.attributes.severity }));
/** The rule drifts the ledger records, in the factory's partition. */
const ruleRecords = () => items(`DRIFT#rule#${RULE}#eu-west-1#`, 'FACTORY#audit');
const findingsOf = async () => (await items('FINDINGS#1.0.0/1#')).map((i) => i.findingId);

beforeAll(async () => {
  const channels = [devChannel({ soak: '1h' }), prodChannel({ soak: '1h' })];
  ({ cloud, member } = await startTwoRegionCloud(channels, '2027-02-12T00:00:00Z'));
}, 180_000);

afterAll(() => cloud?.stop());

describe('attack: the findings-forwarding rule of a distribution Region changed outside Goldsmith', () => {
  it("a scenario's change of a rule that does not exist stops with one line naming the rule, changing nothing", async () => {
    await expect(changeRuleInEuWest1('disable-rule', 'findings-to-home')).rejects.toThrow(
      /disable-rule: ResourceNotFoundException: .*findings-to-home.*\(a rule's name carries the stage: local-goldsmith-…\)$/,
    );
    const rule = await eventbridgeClient('eu-west-1').send(new DescribeRuleCommand({ Name: RULE }));
    expect(rule.State).toBe('ENABLED');
  });

  it('DisableRule silences the Region until the next audit, which enables it again and announces it', async () => {
    await changeRuleInEuWest1('disable-rule', RULE);
    raiseInstanceFinding(cloud, findingInEuWest1('0201'));
    await cloud.clock.run(later(10));
    expect(await findingsOf()).toEqual([]);

    await pastNextAudit();
    const rule = await eventbridgeClient('eu-west-1').send(new DescribeRuleCommand({ Name: RULE }));
    expect(rule.State).toBe('ENABLED');
    expect(ruleDrifts()).toEqual([
      expect.objectContaining({ severity: 'warning', subject: expect.stringContaining('(eu-west-1)') }),
    ]);

    raiseInstanceFinding(cloud, findingInEuWest1('0202'));
    await cloud.clock.run(later(10));
    expect(await findingsOf()).toEqual(['CVE-2027-0202']);
  }, 120_000);

  it('a deleted rule is made again, with its home-bus target, and announced', async () => {
    await changeRuleInEuWest1('delete-rule', RULE);
    await pastNextAudit();
    const targets = await eventbridgeClient('eu-west-1').send(new ListTargetsByRuleCommand({ Rule: RULE }));
    expect(targets.Targets?.map((t) => t.Arn)).toEqual([`arn:aws:events:us-east-1:${ACCOUNT}:event-bus/default`]);
    expect(ruleDrifts()).toHaveLength(2);
    expect((await ruleRecords()).map((r) => [r.found, Boolean(r.repairedAt)])).toEqual(
      expect.arrayContaining([
        ['disabled', true],
        ['no such rule (deleted)', true],
      ]),
    );

    raiseInstanceFinding(cloud, findingInEuWest1('0203'));
    await cloud.clock.run(later(10));
    expect(await findingsOf()).toContain('CVE-2027-0203');
  }, 120_000);

  it('with a CloudTrail trail, DisableRule is seen in minutes: its event asks for that rule to be read back', async () => {
    await changeRuleInEuWest1('disable-rule', RULE);
    // What CloudTrail puts on eu-west-1's default bus for the call, where a trail records management events
    // (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html).
    cloud.bus.put(
      {
        version: '0',
        id: 'ct-0001',
        'detail-type': 'AWS API Call via CloudTrail',
        source: 'aws.events',
        account: ACCOUNT,
        time: cloud.clock.iso().replace(/\.\d{3}Z$/, 'Z'),
        region: 'eu-west-1',
        resources: [],
        detail: {
          eventVersion: '1.09',
          eventSource: 'events.amazonaws.com',
          eventName: 'DisableRule',
          awsRegion: 'eu-west-1',
          requestParameters: { name: RULE },
          responseElements: null,
        },
      },
      'default',
      'eu-west-1',
    );
    await cloud.clock.run(later(5));
    const rule = await eventbridgeClient('eu-west-1').send(new DescribeRuleCommand({ Name: RULE }));
    expect(rule.State).toBe('ENABLED');
    expect(ruleDrifts()).toHaveLength(3);
  }, 120_000);

  it("DisableRule on the Region's changes-to-home rule is found by the next audit, enabled again and announced", async () => {
    const changes = changesForwardRuleName('local');
    await changeRuleInEuWest1('disable-rule', changes);
    await pastNextAudit();
    const rule = await eventbridgeClient('eu-west-1').send(new DescribeRuleCommand({ Name: changes }));
    expect(rule.State).toBe('ENABLED');
    const announced = cloud.installed.fakes.sns.messages.filter(
      (m) => m.attributes.event === 'drift-found' && (m.subject ?? '').includes(changes),
    );
    expect(announced.map((m) => m.subject)).toEqual([expect.stringContaining('(eu-west-1)')]);
    expect(
      (await items(`DRIFT#rule#${changes}#eu-west-1#`, 'FACTORY#audit')).map((r) => [r.found, Boolean(r.repairedAt)]),
    ).toEqual([['disabled', true]]);
  }, 120_000);
});
