import { describe, expect, it } from 'vitest';
import { OrganizationsFake } from '../../../local/fakes/organizations.js';
import { apiCallTotals, apiCallTotalsText, callPlanFigures } from '../../../local/simulator/call-minimum.js';

const regions = ['us-east-1', 'eu-west-1'];

function figures(apiCalls: Record<string, number>) {
  return callPlanFigures({
    promotions: [
      { image: 'base', channel: 'dev', outcome: 'promoted', regions },
      { image: 'base', channel: 'prod', outcome: 'promoted', regions },
      { image: 'app', channel: 'dev', outcome: 'promoted', regions },
      { image: 'app', channel: 'prod', outcome: 'rejected', regions },
    ],
    builds: [{ status: 'AVAILABLE' }, { status: 'AVAILABLE' }, { status: 'FAILED' }],
    apiCalls,
    minimumModifyImageAttribute: 6,
    organizationFullRead: { 'organizations:ListAccountsForParent': 3 },
    usageReportReads: { reports: 3, entries: 5 },
    redriven: 0,
    dynamoRequests: { 'dynamodb:Query': 8, 'dynamodb:PutItem': 4 },
  });
}

const op = (f: ReturnType<typeof figures>, name: string) => f.operations.find((o) => o.operation === name);

describe('callPlanFigures', () => {
  it('needs one RAM share per channel and Region and one association per further pointer parameter', () => {
    const f = figures({ 'ram:CreateResourceShare': 4, 'ram:AssociateResourceShare': 6, 'ram:GetResourceShares': 9 });
    expect(op(f, 'ram:CreateResourceShare')?.minimum).toBe(4);
    // base/dev, base/prod, app/dev in 2 Regions = 6 parameters, 4 of them carried by the share's creation.
    expect(op(f, 'ram:AssociateResourceShare')?.minimum).toBe(2);
    expect(op(f, 'ram:GetResourceShareAssociations')?.minimum).toBe(6);
    expect(op(f, 'ram:GetResourceShares')).toMatchObject({ made: 9, minimum: 0 });
  });

  it('needs the usage reports read per Region and day, not per image', () => {
    const f = figures({
      'ec2:CreateImageUsageReport': 40,
      'ec2:DescribeImageUsageReports': 40,
      'ec2:DescribeImageUsageReportEntries': 40,
    });
    expect(op(f, 'ec2:CreateImageUsageReport')).toMatchObject({ made: 40, minimum: 40 });
    expect(op(f, 'ec2:DescribeImageUsageReports')).toMatchObject({ made: 40, minimum: 3 });
    expect(op(f, 'ec2:DescribeImageUsageReportEntries')).toMatchObject({ made: 40, minimum: 5 });
  });

  it('counts polls and re-reads as needing nothing, and mutating calls as needed', () => {
    const f = figures({ 'imagebuilder:ListImagePipelineImages': 40, 'ssm:PutParameter': 6, 'sqs:ReceiveMessage': 12 });
    expect(op(f, 'imagebuilder:ListImagePipelineImages')).toMatchObject({ made: 40, minimum: 0 });
    expect(op(f, 'sqs:ReceiveMessage')).toMatchObject({ made: 12, minimum: 0 });
    expect(op(f, 'ssm:PutParameter')).toMatchObject({ made: 6, minimum: 6 });
    expect(op(f, 'imagebuilder:GetImage')?.minimum).toBe(3);
    expect(op(f, 'imagebuilder:ListImageScanFindings')?.minimum).toBe(2);
    expect(op(f, 'organizations:ListAccountsForParent')).toMatchObject({ made: 0, minimum: 3 });
  });

  it('says of each backstop read what it is made for: the sweeps and listings, the event that asked', () => {
    const f = figures({
      'ssm:GetResourcePolicies': 50,
      'imagebuilder:ListImagePipelineImages': 4,
      'organizations:ListAccountsForParent': 9,
      'ram:GetResourceShareAssociations': 12,
      'ram:ListResources': 16,
    });
    expect(op(f, 'ssm:GetResourcePolicies')).toMatchObject({ made: 50, minimum: 0 });
    expect(op(f, 'ssm:GetResourcePolicies')?.basis).toMatch(/28-day sweep.*share not its channel's.*PutResourcePolicy/);
    expect(op(f, 'ram:ListResources')).toMatchObject({ made: 16, minimum: 0 });
    expect(op(f, 'ram:ListResources')?.basis).toMatch(/daily listing per Region/);
    expect(op(f, 'imagebuilder:ListImagePipelineImages')?.basis).toMatch(/weekly listing.*overdue/);
    expect(op(f, 'organizations:ListAccountsForParent')?.basis).toMatch(/weekly full read/);
    expect(op(f, 'ram:GetResourceShareAssociations')?.basis).toMatch(/confirmation per RAM change.*backstop/);
  });

  it("says why each of the audit's daily reads is made: the functions' reads, the records' pages, the doors' glance", () => {
    const f = figures({
      'lambda:GetFunction': 690,
      'ssm:GetParametersByPath': 660,
      'sns:ListSubscriptions': 720,
      'sns:ListSubscriptionsByTopic': 60,
      'eventbridge:ListRules': 450,
      'eventbridge:DescribeRule': 10,
      'cloudtrail:LookupEvents': 36,
    });
    expect(op(f, 'lambda:GetFunction')).toMatchObject({
      made: 690,
      minimum: 0,
      basis: expect.stringMatching(/every 28 days.*each Goldsmith function on its own.*event history/),
    });
    // The event history's daily read: a backstop, needed by nothing the run changed.
    expect(op(f, 'cloudtrail:LookupEvents')).toMatchObject({
      made: 36,
      minimum: 0,
      basis: expect.stringMatching(/event history's daily read.*no trail/),
    });
    expect(op(f, 'ssm:GetParametersByPath')?.basis).toMatch(/10 a page.*functions.*roles.*policies/);
    expect(op(f, 'sns:ListSubscriptions')?.basis).toMatch(/hourly glance.*one call/);
    expect(op(f, 'sns:ListSubscriptionsByTopic')?.basis).toMatch(/daily read.*more than a page/);
    expect(op(f, 'eventbridge:ListRules')?.basis).toMatch(
      /read-back with the launch-permission sweep, one listing per Region/,
    );
    expect(op(f, 'eventbridge:DescribeRule')?.basis).toMatch(/rule-change event/);
    expect(f.operations.filter((o) => o.basis === 'a read nothing needed')).toEqual([]);
  });

  it('needs one pointer read-back per pointer written, and no read before a write', () => {
    const f = figures({ 'ssm:PutParameter': 6, 'ssm:GetParameter': 18 });
    expect(op(f, 'ssm:GetParameter')).toMatchObject({ made: 18, minimum: 6 });
  });

  it('totals made and minimum into a ratio and counts DynamoDB requests', () => {
    const f = figures({ 'ec2:ModifyImageAttribute': 6, 'ec2:DescribeImageAttribute': 12 });
    // Needed: 6 modify + 6 describe + 6 DescribeImages + 6 DescribeSnapshotAttribute + RAM 4 + 2 + 6 + IB 3 + 2 + org 3
    // + usage report reads 3 + 5.
    expect(f.minimum).toBe(52);
    expect(f.made).toBe(18);
    expect(f.ratio).toBe(0.35);
    // The rejected attempt is no channel promotion: per-promotion figures divide by the three promoted.
    expect(f.promotions).toBe(3);
    expect(f.dynamo).toEqual({ requests: 12, byOperation: { 'dynamodb:PutItem': 4, 'dynamodb:Query': 8 } });
  });
});

describe('OrganizationTree.fullReadCalls', () => {
  it('counts a page per 20 entries for each parent, and tags per account only when asked', () => {
    const org = new OrganizationsFake({
      organizationId: 'o-abcdefghij',
      managementAccountId: '111111111111',
      ous: [
        { id: 'ou-a', accounts: Array.from({ length: 45 }, (_, i) => ({ id: String(300000000000 + i) })) },
        { id: 'ou-b', parentId: 'ou-a' },
      ],
    });
    expect(org.fullReadCalls(20, false)).toEqual({
      'organizations:DescribeOrganization': 1,
      'organizations:ListRoots': 1,
      // root, ou-a, ou-b: one page each of OUs; accounts: root 1 (management), ou-a 3 pages, ou-b 1 (empty).
      'organizations:ListOrganizationalUnitsForParent': 3,
      'organizations:ListAccountsForParent': 5,
    });
    expect(org.fullReadCalls(20, true)['organizations:ListTagsForResource']).toBe(46);
  });
});

describe('apiCallTotals', () => {
  it('adds DynamoDB requests to the other calls, so the total the tables print is every AWS request', () => {
    const totals = apiCallTotals(
      { 'ec2:ModifyImageAttribute': 10, 'ssm:PutParameter': 2 },
      {
        dynamo: { requests: 13_287, byOperation: { Query: 13_287 } },
      },
    );
    expect(totals).toEqual({ other: 12, dynamo: 13_287, all: 13_299 });
    expect(apiCallTotalsText(totals)).toBe('12 + 13,287 DynamoDB = 13,299');
  });
});
