import { DescribeOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import {
  AssociateResourceShareCommand,
  CreateResourceShareCommand,
  DisassociateResourceShareCommand,
  GetResourceShareAssociationsCommand,
  GetResourceSharesCommand,
  RAMClient,
  RAMServiceException,
} from '@aws-sdk/client-ram';
import { BatchGetCommand, DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configureClients } from '../../aws/clients/registry.js';
import { pointerShareFailureText, verifyPointerShares } from '../../functions/sharing/pointer-share-backstop.js';
import { mockClient } from '../helpers/mock-client.js';

const ddb = mockClient(DynamoDBDocumentClient);
const ram = mockClient(RAMClient);
const organizations = mockClient(OrganizationsClient);

const EAST = 'arn:aws:ram:us-east-1:111122223333:resource-share/dev-east';
const WEST = 'arn:aws:ram:eu-west-1:111122223333:resource-share/dev-west';
const OU_A = 'arn:aws:organizations::999988887777:ou/o-a1b2c3d4e5/ou-x1y2-dev00001';
const OU_B = 'arn:aws:organizations::999988887777:ou/o-a1b2c3d4e5/ou-x1y2-dev00002';
const param = (region: string) => `arn:aws:ssm:${region}:111122223333:parameter/goldsmith/base/dev`;
const devTargets = (ous: string[]) => ({ ous, accounts: [], accountTags: {}, exclude: { ous: [], accounts: [] } });
const plans = [
  {
    regions: ['us-east-1', 'eu-west-1'],
    channels: [{ name: 'dev', targets: devTargets(['ou-x1y2-dev00001', 'ou-x1y2-dev00002']) }],
  },
];
const OUR_SHARE = (arn: string) => ({
  name: 'goldsmith-pointers-dev',
  resourceShareArn: arn,
  allowExternalPrincipals: false,
  tags: [{ key: 'goldsmith:purpose', value: 'channel-pointers' }],
});

type Assoc = { resourceShareArn: string; associatedEntity: string; status: string };
/** What RAM lists, per association type; a test changes it (a repair makes it whole again). */
let principals: Assoc[];
let resources: Assoc[];
const whole = (): void => {
  principals = [EAST, WEST].flatMap((s) =>
    [OU_A, OU_B].map((p) => ({ resourceShareArn: s, associatedEntity: p, status: 'ASSOCIATED' })),
  );
  resources = [
    { resourceShareArn: EAST, associatedEntity: param('us-east-1'), status: 'ASSOCIATED' },
    { resourceShareArn: WEST, associatedEntity: param('eu-west-1'), status: 'ASSOCIATED' },
  ];
};

/** The ledger's item of the dev share in `region`, holding `resources` (a DynamoDB string set: none when empty). */
const held = (region: string, arn: string, resources: string[]) => ({
  pk: `RAMSHARE#${region}`,
  sk: 'SHARE#goldsmith-pointers-dev',
  region,
  name: 'goldsmith-pointers-dev',
  resourceShareArn: arn,
  principals: new Set([OU_A, OU_B]),
  ...(resources.length > 0 && { resources: new Set(resources) }),
  verifiedAt: '2027-01-01T00:00:00.000Z',
});

beforeEach(() => {
  process.env.LEDGER_TABLE = 'ledger';
  whole();
  ddb.on(BatchGetCommand).resolves({
    Responses: {
      ledger: [held('us-east-1', EAST, [param('us-east-1')]), held('eu-west-1', WEST, [param('eu-west-1')])],
    },
  });
  ddb.on(UpdateCommand).resolves({});
  organizations
    .on(DescribeOrganizationCommand)
    .resolves({ Organization: { Id: 'o-a1b2c3d4e5', MasterAccountId: '999988887777' } });
  ram.on(GetResourceSharesCommand).callsFake((input: { name: string }) => ({
    resourceShares: [OUR_SHARE(EAST)].filter((s) => s.name === input.name),
  }));
  ram
    .on(GetResourceShareAssociationsCommand)
    .callsFake((input: { associationType: string; resourceShareArns: string[]; resourceArn?: string }) => ({
      resourceShareAssociations: (input.associationType === 'PRINCIPAL' ? principals : resources).filter(
        (a) =>
          input.resourceShareArns.includes(a.resourceShareArn) &&
          (!input.resourceArn || a.associatedEntity === input.resourceArn),
      ),
    }));
  ram.on(AssociateResourceShareCommand).callsFake(() => {
    whole();
    return {};
  });
  ram.on(DisassociateResourceShareCommand).resolves({});
});
afterEach(() => {
  ddb.reset();
  ram.reset();
  organizations.reset();
});

describe('the daily backstop of the pointer shares', () => {
  it('reads two association lists per Region and changes nothing when RAM holds what the ledger holds', async () => {
    const check = await verifyPointerShares(plans);

    expect(check).toEqual({
      shares: 2,
      repaired: [],
      foreign: [],
      pending: 0,
      findings: [],
      regions: { checked: 2, unread: [] },
      failures: [],
      permanentFailures: 0,
    });
    expect(ram).toHaveReceivedCommandTimes(GetResourceShareAssociationsCommand, 4);
    expect(ram).not.toHaveReceivedCommand(AssociateResourceShareCommand);
    expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
  });

  it('puts back a principal taken out outside Goldsmith and holds the share as RAM confirms it', async () => {
    principals = principals.filter((a) => !(a.resourceShareArn === EAST && a.associatedEntity === OU_B));

    const check = await verifyPointerShares(plans);

    expect(check.repaired).toEqual([
      {
        region: 'us-east-1',
        name: 'goldsmith-pointers-dev',
        missingPrincipals: [OU_B],
        extraPrincipals: [],
        missingResources: [],
      },
    ]);
    expect(ram).toHaveReceivedCommandWith(AssociateResourceShareCommand, {
      resourceShareArn: EAST,
      principals: [OU_B],
    });
    expect(ram).not.toHaveReceivedCommand(CreateResourceShareCommand);
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      Key: { pk: 'RAMSHARE#us-east-1', sk: 'SHARE#goldsmith-pointers-dev' },
    });
  });

  it("takes out a resource someone else associated with Goldsmith's share, reads it back and announces it", async () => {
    const theirs = 'arn:aws:ssm:us-east-1:111122223333:parameter/team-x/their-pointer';
    resources.push({ resourceShareArn: EAST, associatedEntity: theirs, status: 'ASSOCIATED' });
    principals = principals.filter((a) => !(a.resourceShareArn === EAST && a.associatedEntity === OU_B));
    ram.on(DisassociateResourceShareCommand).callsFake((input: { resourceArns?: string[] }) => {
      resources = resources.filter((a) => !input.resourceArns?.includes(a.associatedEntity));
      return {};
    });

    const check = await verifyPointerShares(plans);

    expect(check.foreign).toEqual([{ region: 'us-east-1', name: 'goldsmith-pointers-dev', resources: [theirs] }]);
    expect(ram).toHaveReceivedCommandWith(DisassociateResourceShareCommand, {
      resourceShareArn: EAST,
      resourceArns: [theirs],
    });
    expect(check.findings).toContainEqual(
      expect.objectContaining({
        resource: 'pointer-share',
        region: 'us-east-1',
        found: expect.stringContaining(`resources associated outside Goldsmith: ${theirs}`),
        action: `disassociated ${theirs}, confirmed by GetResourceShareAssociations`,
        repaired: true,
      }),
    );
    // The missing principal is put back through Goldsmith's own parameter, never theirs.
    expect(check.repaired.map((r) => r.missingPrincipals)).toEqual([[OU_B]]);
    for (const call of ram.commandCalls(AssociateResourceShareCommand)) {
      expect(call.args[0].input.resourceArns ?? []).not.toContain(theirs);
    }
  });

  it("leaves a parameter named as the channel's pointer, and says so with the command where RAM refuses", async () => {
    const inFlight = 'arn:aws:ssm:us-east-1:111122223333:parameter/goldsmith/web/dev';
    const theirs = 'arn:aws:ssm:us-east-1:111122223333:parameter/team-x/their-pointer';
    resources.push(
      { resourceShareArn: EAST, associatedEntity: inFlight, status: 'ASSOCIATED' },
      { resourceShareArn: EAST, associatedEntity: theirs, status: 'ASSOCIATED' },
    );
    ram
      .on(DisassociateResourceShareCommand)
      .rejects(new RAMServiceException({ name: 'AccessDeniedException', $fault: 'client', $metadata: {} }));

    const check = await verifyPointerShares(plans);

    expect(ram).toHaveReceivedCommandTimes(DisassociateResourceShareCommand, 1);
    const [finding] = check.findings;
    expect(finding).toMatchObject({ repaired: false });
    expect(finding?.action).toContain(
      `run aws ram disassociate-resource-share --region us-east-1 --resource-share-arn ${EAST} --resource-arns ${theirs}`,
    );
    expect(finding?.action).toContain(`left ${inFlight} (named as the channel's pointers`);
  });

  it('takes out a principal added outside Goldsmith and puts back a parameter taken out', async () => {
    principals.push({ resourceShareArn: EAST, associatedEntity: '444455556666', status: 'ASSOCIATED' });
    resources = resources.filter((a) => a.resourceShareArn !== EAST);

    const check = await verifyPointerShares(plans);

    expect(check.repaired[0]).toMatchObject({
      extraPrincipals: ['444455556666'],
      missingResources: [param('us-east-1')],
    });
    expect(ram).toHaveReceivedCommandWith(DisassociateResourceShareCommand, {
      resourceShareArn: EAST,
      principals: ['444455556666'],
    });
    expect(ram).toHaveReceivedCommandWith(AssociateResourceShareCommand, {
      resourceShareArn: EAST,
      resourceArns: [param('us-east-1')],
    });
  });

  it('compares with the principals the catalog targets now: an OU dropped from the channel is not put back', async () => {
    // The catalog no longer targets dev00002; no promotion of dev has run since, so the ledger still names it. An
    // operator took it out of the eu-west-1 share by hand; us-east-1's share still has it.
    const now = [
      { regions: plans[0]!.regions, channels: [{ name: 'dev', targets: devTargets(['ou-x1y2-dev00001']) }] },
    ];
    principals = principals.filter((a) => !(a.resourceShareArn === WEST && a.associatedEntity === OU_B));
    ram.on(AssociateResourceShareCommand).resolves({}); // RAM's lists stay as they are while the pass runs

    const check = await verifyPointerShares(now);

    expect(ram).not.toHaveReceivedCommandWith(AssociateResourceShareCommand, { principals: [OU_B] });
    expect(check.repaired).toEqual([
      {
        region: 'us-east-1',
        name: 'goldsmith-pointers-dev',
        missingPrincipals: [],
        extraPrincipals: [OU_B],
        missingResources: [],
      },
    ]);
    expect(ram).toHaveReceivedCommandWith(DisassociateResourceShareCommand, {
      resourceShareArn: EAST,
      principals: [OU_B],
    });
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      Key: { pk: 'RAMSHARE#us-east-1', sk: 'SHARE#goldsmith-pointers-dev' },
    });
  });

  it('keeps an OU the catalog now adds where it is already associated, and associates it where it is not', async () => {
    const OU_C = 'arn:aws:organizations::999988887777:ou/o-a1b2c3d4e5/ou-x1y2-dev00003';
    const targets = devTargets(['ou-x1y2-dev00001', 'ou-x1y2-dev00002', 'ou-x1y2-dev00003']);
    principals.push({ resourceShareArn: EAST, associatedEntity: OU_C, status: 'ASSOCIATED' });
    ram.on(AssociateResourceShareCommand).resolves({}); // RAM's lists stay as they are while the pass runs

    const check = await verifyPointerShares([{ regions: plans[0]!.regions, channels: [{ name: 'dev', targets }] }]);

    expect(check.repaired.map((r) => [r.region, r.missingPrincipals, r.extraPrincipals])).toEqual([
      ['eu-west-1', [OU_C], []],
    ]);
    expect(ram).not.toHaveReceivedCommand(DisassociateResourceShareCommand);
  });

  it('does not share again a pointer withdrawn while the pass ran (read again before the repair)', async () => {
    // The pass read the ledger with the us-east-1 parameter held; a revocation then forgot it and RAM let it go.
    resources = resources.filter((a) => a.resourceShareArn !== EAST);
    ddb
      .on(BatchGetCommand)
      .resolvesOnce({
        Responses: {
          ledger: [held('us-east-1', EAST, [param('us-east-1')]), held('eu-west-1', WEST, [param('eu-west-1')])],
        },
      })
      .resolves({ Responses: { ledger: [held('us-east-1', EAST, [])] } });

    const check = await verifyPointerShares(plans);

    expect(check.repaired).toEqual([]);
    expect(ram).not.toHaveReceivedCommand(AssociateResourceShareCommand);
    expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
  });

  it('does not count a share as put back when its repair failed, and reports the failure', async () => {
    principals = principals.filter((a) => !(a.resourceShareArn === EAST && a.associatedEntity === OU_B));
    ram
      .on(AssociateResourceShareCommand)
      .rejects(new RAMServiceException({ name: 'ServiceUnavailableException', $fault: 'server', $metadata: {} }));

    const check = await verifyPointerShares(plans);

    expect(check.repaired).toEqual([]);
    expect(check.failures).toHaveLength(1);
    expect(check.failures[0]).toMatch(/^us-east-1 goldsmith-pointers-dev /);
  });

  it('reports the organization it cannot read as a failure and leaves every share as it is', async () => {
    configureClients({}); // a fresh client set: the organization is asked again
    organizations.reset();
    organizations
      .on(DescribeOrganizationCommand)
      .rejects(new RAMServiceException({ name: 'ServiceUnavailableException', $fault: 'server', $metadata: {} }));
    principals = principals.filter((a) => !(a.resourceShareArn === EAST && a.associatedEntity === OU_B));

    const check = await verifyPointerShares(plans);

    expect(check.failures).toEqual([expect.stringMatching(/^the organization's id: /)]);
    expect(check.permanentFailures).toBe(0);
    expect(ram).not.toHaveReceivedCommand(AssociateResourceShareCommand);
  });

  it('goes on with the other Regions when one cannot be read, and reports the failure as transient', async () => {
    ram
      .on(GetResourceShareAssociationsCommand, { resourceShareArns: [WEST] })
      .rejects(new RAMServiceException({ name: 'ServiceUnavailableException', $fault: 'server', $metadata: {} }));

    const check = await verifyPointerShares(plans);

    expect(check.failures).toHaveLength(1);
    expect(check.failures[0]).toMatch(/^eu-west-1: /);
    expect(check.permanentFailures).toBe(0);
    expect(check.shares).toBe(2);
    // The reconciler tells Regions as Regions, not as builds that could not be reconciled.
    expect(pointerShareFailureText(check)).toMatch(
      /^pointer shares checked in 2 Region\(s\); 1 could not be read: eu-west-1: /,
    );
  });
});
