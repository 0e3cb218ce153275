import {
  Inspector2Client,
  ListFindingsCommand,
  paginateListFindings,
  ValidationException,
} from '@aws-sdk/client-inspector2';
import { describe, expect, it } from 'vitest';
import { Inspector2Fake, type InspectorFinding } from '../../../local/fakes/inspector2.js';
import { ACCOUNT, answeredBy, START } from './helpers.js';

const MEMBER = '444455556666';

function finding(n: number, over: Partial<InspectorFinding> = {}): InspectorFinding {
  const at = new Date(START);
  return {
    findingArn: `arn:aws:inspector2:us-east-1:${MEMBER}:finding/f-${n}`,
    awsAccountId: MEMBER,
    severity: n % 2 === 0 ? 'CRITICAL' : 'LOW',
    status: 'ACTIVE',
    type: 'PACKAGE_VULNERABILITY',
    title: `CVE-2027-${n}`,
    description: 'a vulnerability',
    remediation: { recommendation: { text: 'None Provided' } },
    firstObservedAt: at,
    lastObservedAt: at,
    resources: [{ id: `i-${String(n).padStart(17, '0')}`, type: 'AWS_EC2_INSTANCE', region: 'us-east-1' }],
    ...over,
  };
}

function inspector(region = 'us-east-1') {
  const fake = new Inspector2Fake(ACCOUNT);
  return { fake, client: answeredBy(new Inspector2Client({ region }), 'inspector2', fake, region) };
}

describe('the local Inspector (delegated administrator)', () => {
  it("lists a member's finding by its ARN, in its own Region only", async () => {
    const { fake, client } = inspector();
    for (let n = 1; n <= 3; n++) fake.record(finding(n));
    const arn = finding(2).findingArn;

    const out = await client.send(
      new ListFindingsCommand({ filterCriteria: { findingArn: [{ comparison: 'EQUALS', value: arn }] } }),
    );
    expect(out.findings?.map((f) => [f.findingArn, f.awsAccountId, f.severity])).toEqual([[arn, MEMBER, 'CRITICAL']]);

    const elsewhere = inspector('eu-west-1');
    elsewhere.fake.record(finding(2));
    const other = await inspector('eu-west-1').client.send(
      new ListFindingsCommand({ filterCriteria: { findingArn: [{ comparison: 'EQUALS', value: arn }] } }),
    );
    expect(other.findings).toEqual([]);
  });

  it('keeps the latest state of a finding Inspector updates, and filters on status and severity', async () => {
    const { fake, client } = inspector();
    fake.record(finding(2));
    fake.record(finding(2, { status: 'CLOSED' }));
    fake.record(finding(4));
    const active = await client.send(
      new ListFindingsCommand({
        filterCriteria: {
          findingStatus: [{ comparison: 'EQUALS', value: 'ACTIVE' }],
          severity: [{ comparison: 'NOT_EQUALS', value: 'LOW' }],
        },
      }),
    );
    expect(active.findings?.map((f) => f.findingArn)).toEqual([finding(4).findingArn]);
  });

  it('pages at most 100 findings, and refuses a token it did not give', async () => {
    const { fake, client } = inspector();
    for (let n = 1; n <= 130; n++) fake.record(finding(n));
    const first = await client.send(new ListFindingsCommand({ maxResults: 100 }));
    expect(first.findings).toHaveLength(100);
    expect(first.nextToken).toBeDefined();
    let total = 0;
    for await (const page of paginateListFindings({ client, pageSize: 40 }, {})) total += page.findings?.length ?? 0;
    expect(total).toBe(130);
    await expect(client.send(new ListFindingsCommand({ nextToken: 'not-ours' }))).rejects.toBeInstanceOf(
      ValidationException,
    );
  });
});
