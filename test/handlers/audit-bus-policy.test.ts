import { DescribeEventBusCommand, PutPermissionCommand, RemovePermissionCommand } from '@aws-sdk/client-eventbridge';
import { PutParameterCommand } from '@aws-sdk/client-ssm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventbridgeClient } from '../../aws/clients/eventbridge.js';
import { configureClients } from '../../aws/clients/registry.js';
import { ssmClient } from '../../aws/clients/ssm.js';
import { doorInventory, resourcePoliciesPath } from '../../core/audit/policies.js';
import { auditResourcePolicies } from '../../functions/audit/policies.js';
import { VirtualClock } from '../../local/clock.js';
import { EventBusPermissions } from '../../local/eventbridge/permissions.js';
import { EventBridgeFake } from '../../local/eventbridge/service.js';
import { type InstalledFakes, installFakes } from '../../local/fakes/install.js';
import { BusAuthorizer } from '../../local/trust/bus-authorizer.js';
import type { PolicyDocument } from '../../local/trust/policies.js';
import { localLedgerClient, recreateLedgerTable, useLocalDynamo } from '../helpers/ledger-table.js';
import { configureAuditClients, driftAnnouncements } from './audit-fixtures.js';

/**
 * Attack: a principal of the factory account with events:* (no Goldsmith role) lets another account put events on
 * Goldsmith's bus (PutPermission), or takes a writer's statement away (RemovePermission). The daily audit of resource
 * policies finds the bus's policy differing from the one the deployment wrote, puts it back whole, and announces it.
 */

const DOORS = doorInventory('bus/TrustStack');
const ACCOUNT = '123456789012';
const OUTSIDER = '999988887777';
const R = 'us-east-1';
const STAGE = 'test';
const BUS = `goldsmith-${STAGE}`;
const BUS_ARN = `arn:aws:events:${R}:${ACCOUNT}:event-bus/${BUS}`;
const NOW = new Date('2027-01-18T01:00:00Z');
const NOTIFY = `arn:aws:sns:${R}:${ACCOUNT}:goldsmith-${STAGE}-notifications`;
const WRITER = `arn:aws:iam::${ACCOUNT}:role/${STAGE}-goldsmith-Promotion-Publish`;

/** The deployment's bus policy: only Goldsmith's writer puts Goldsmith's facts. */
const deployed: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'GoldsmithFactsOnlyByWriters',
      Effect: 'Allow',
      Principal: { AWS: WRITER },
      Action: 'events:PutEvents',
      Resource: BUS_ARN,
      Condition: { StringEquals: { 'events:source': 'goldsmith' } },
    },
  ],
};

const dynamo = useLocalDynamo();
let cloud: InstalledFakes;
let policies: Map<string, PolicyDocument>;
let authorizer: BusAuthorizer;

const announced = () => driftAnnouncements(cloud, NOTIFY);
/** Whether the outside account's role may put an event of source `ci` on the bus now. */
const outsiderMayPut = async () =>
  (await authorizer.authorize(`arn:aws:iam::${OUTSIDER}:role/ci`, BUS, 'ci', 'Package Update')) === undefined;

beforeEach(async () => {
  process.env.LEDGER_TABLE = 'ledger';
  process.env.NOTIFY_TOPIC_ARN = NOTIFY;
  const clock = new VirtualClock(NOW.toISOString());
  cloud = installFakes({ clock, accountId: ACCOUNT, topics: [NOTIFY] });
  policies = new Map([[BUS, deployed]]);
  authorizer = new BusAuthorizer({
    accountId: ACCOUNT,
    region: R,
    organizationId: 'o-abc123',
    organizationAccounts: new Set([ACCOUNT]),
    busPolicies: policies,
    rolePolicies: new Map(),
  });
  const eventbridge = new EventBridgeFake(
    () => undefined,
    () => clock.now(),
    undefined,
    undefined,
    new EventBusPermissions(policies, [BUS, 'default'], ACCOUNT),
  );
  await recreateLedgerTable(localLedgerClient(dynamo.endpoint));
  configureAuditClients(cloud, dynamo.endpoint, {
    service: 'eventbridge',
    fake: eventbridge,
    clock,
    accountId: ACCOUNT,
  });
  await ssmClient().send(
    new PutParameterCommand({
      Name: `${resourcePoliciesPath(STAGE)}bus/TrustStack`,
      Type: 'String',
      Value: JSON.stringify({ kind: 'bus', target: BUS, policy: deployed }),
    }),
  );
});

afterEach(() => configureClients({}));

describe("attack: Goldsmith's bus policy changed outside the deployment", () => {
  it('an outside account let in by PutPermission is shut out again, and it is announced', async () => {
    await eventbridgeClient().send(
      new PutPermissionCommand({
        EventBusName: BUS,
        StatementId: 'Outsider',
        Action: 'events:PutEvents',
        Principal: OUTSIDER,
      }),
    );
    expect(await outsiderMayPut()).toBe(true);

    const part = await auditResourcePolicies(NOW, STAGE, DOORS);

    expect(part.findings).toEqual([
      expect.objectContaining({ resource: 'bus-policy', name: BUS, found: 'statement Outsider added', repaired: true }),
    ]);
    expect(await outsiderMayPut()).toBe(false);
    const held = await eventbridgeClient().send(new DescribeEventBusCommand({ Name: BUS }));
    expect(JSON.parse(held.Policy ?? '')).toEqual(deployed);
    expect(announced()).toEqual([
      expect.objectContaining({ severity: 'critical', subject: expect.stringContaining(`bus-policy ${BUS}`) }),
    ]);
    // Found once: the next audit finds the policy as deployed.
    expect((await auditResourcePolicies(NOW, STAGE, DOORS)).findings).toEqual([]);
  });

  it("a writer's statement taken away by RemovePermission is put back", async () => {
    await eventbridgeClient().send(
      new RemovePermissionCommand({ EventBusName: BUS, StatementId: 'GoldsmithFactsOnlyByWriters' }),
    );
    expect((await eventbridgeClient().send(new DescribeEventBusCommand({ Name: BUS }))).Policy).toBeUndefined();

    const part = await auditResourcePolicies(NOW, STAGE, DOORS);

    expect(part.findings).toEqual([expect.objectContaining({ found: 'no policy', repaired: true })]);
    expect(policies.get(BUS)).toEqual(deployed);
  });

  it('leaves the policy alone when it is as deployed: one read of the expected policies and one of the bus', async () => {
    expect(await auditResourcePolicies(NOW, STAGE, DOORS)).toMatchObject({ checked: 1, reads: 2, findings: [] });
    expect(announced()).toEqual([]);
  });
});
