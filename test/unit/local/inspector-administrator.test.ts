import { afterEach, describe, expect, it } from 'vitest';
import { type FindingsReader, findingsReader, listedFinding } from '../../../aws/lifecycle/inspector-findings.js';
import { inspectorFindingsRoleArn, onFindingRoleArn } from '../../../core/lifecycle/inspector-reader.js';
import type { InspectorFinding } from '../../../local/fakes/inspector2.js';
import { inspectorFindingsRole } from '../../../local/simulator/inspector-administrator.js';
import { runAs } from '../../../local/trust/caller.js';
import { ACCOUNT, localCloud, resetClients, START } from './helpers.js';

const SECURITY = '444455556666';
const MEMBER = '200000000001';
const ORG = 'o-a1b2c3d4e5';
const ROLE = inspectorFindingsRoleArn(SECURITY, 'prod');
const ON_FINDING = onFindingRoleArn(ACCOUNT, 'prod');

function finding(account: string, id: string): InspectorFinding {
  const at = new Date(START);
  return {
    findingArn: `arn:aws:inspector2:us-east-1:${account}:finding/${id}`,
    awsAccountId: account,
    severity: 'CRITICAL',
    status: 'ACTIVE',
    type: 'PACKAGE_VULNERABILITY',
    title: 'CVE-2027-0001',
    description: 'a vulnerability',
    remediation: { recommendation: { text: 'None Provided' } },
    firstObservedAt: at,
    lastObservedAt: at,
    resources: [{ id: 'i-00000000000000001', type: 'AWS_EC2_INSTANCE', region: 'us-east-1' }],
  };
}

/** The local cloud with a security account as Inspector's administrator, holding a member's and the factory's findings. */
function securityCloud() {
  const cloud = localCloud({
    inspectorAdministrator: SECURITY,
    organization: {
      organizationId: ORG,
      managementAccountId: ACCOUNT,
      ous: [],
      rootAccounts: [
        { id: SECURITY, name: 'security' },
        { id: MEMBER, name: 'team' },
      ],
    },
  });
  cloud.fakes.inspector2.record(finding(MEMBER, 'member-1'));
  cloud.fakes.inspector2.record(finding(ACCOUNT, 'factory-1'));
  return cloud;
}

/** The reader on-finding's environment sets up when the stacks name `roleArn`. */
function readerFor(roleArn: string): FindingsReader {
  process.env.INSPECTOR_FINDINGS_ROLE_ARN = roleArn;
  try {
    return findingsReader();
  } finally {
    delete process.env.INSPECTOR_FINDINGS_ROLE_ARN;
  }
}

afterEach(resetClients);

describe('findings through a security account (Inspector delegated administrator)', () => {
  it("the factory's own Inspector lists its own findings, not a member's", async () => {
    securityCloud();
    const factory: FindingsReader = { administrator: 'factory' };
    await runAs(ON_FINDING, async () => {
      expect(await listedFinding(finding(MEMBER, 'member-1').findingArn, factory)).toBeUndefined();
      expect(await listedFinding(finding(ACCOUNT, 'factory-1').findingArn, factory)).toMatchObject({
        awsAccountId: ACCOUNT,
      });
    });
  });

  it("through the role the template grants, on-finding's role reads a member's finding from the administrator", async () => {
    const cloud = securityCloud();
    cloud.fakes.memberAccess.defineRole(inspectorFindingsRole(ROLE, ACCOUNT, ORG));
    const reader = readerFor(ROLE);
    expect(reader).toMatchObject({ administrator: SECURITY, roleArn: ROLE });
    const listed = await runAs(ON_FINDING, () => listedFinding(finding(MEMBER, 'member-1').findingArn, reader));
    expect(listed).toMatchObject({ awsAccountId: MEMBER, severity: 'CRITICAL' });
    expect(cloud.stats.apiCalls).toMatchObject({ 'sts:AssumeRole': 1, 'inspector2:ListFindings': 1 });
  });

  it('another factory role is refused by the trust policy, with an error naming the administrator and the fix', async () => {
    const cloud = securityCloud();
    cloud.fakes.memberAccess.defineRole(inspectorFindingsRole(ROLE, ACCOUNT, ORG));
    const other = `arn:aws:iam::${ACCOUNT}:role/goldsmith-prod-on-image-event`;
    await expect(
      runAs(other, () => listedFinding(finding(MEMBER, 'member-1').findingArn, readerFor(ROLE))),
    ).rejects.toMatchObject({
      name: 'InspectorAdministratorRefusedError',
      message: expect.stringMatching(
        new RegExp(
          `Inspector's delegated administrator ${SECURITY}: AccessDenied: .*not authorized to perform: sts:AssumeRole.*docs/templates/inspector-findings-role\\.json`,
        ),
      ),
    });
  });

  it('a role without ListFindings is refused by Inspector itself (AccessDeniedException)', async () => {
    const cloud = securityCloud();
    const role = inspectorFindingsRole(ROLE, ACCOUNT, ORG);
    cloud.fakes.memberAccess.defineRole({
      ...role,
      policies: [
        { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'inspector2:GetMember', Resource: '*' }] },
      ],
    });
    await expect(
      runAs(ON_FINDING, () => listedFinding(finding(MEMBER, 'member-1').findingArn, readerFor(ROLE))),
    ).rejects.toMatchObject({
      name: 'InspectorAdministratorRefusedError',
      message: expect.stringContaining('AccessDeniedException'),
    });
  });
});
