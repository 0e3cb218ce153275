import { describe, expect, it } from 'vitest';
import {
  HISTORY_DELAY_ALLOWANCE_MS,
  isGoldsmithCall,
  lookupWindow,
  type RecordedCall,
} from '../../../core/audit/event-history.js';

/**
 * Whose calls the daily read of the event history leaves alone (only Goldsmith's own roles, by exact ARN), and which
 * window it reads when the record of the last one is out of reach.
 */

const ACCOUNT = '123456789012';
const OWN = `arn:aws:iam::${ACCOUNT}:role/prod-goldsmith-Promotion-ShareServiceRole-AbC`;
const IMAGE_BUILDER = `arn:aws:iam::${ACCOUNT}:role/aws-service-role/imagebuilder.amazonaws.com/AWSServiceRoleForImageBuilder`;

/** A ModifyImageAttribute the history recorded, made through a session of `issuer`. */
function callBy(issuer: string, account = ACCOUNT): RecordedCall {
  const name = issuer.split('/').pop() ?? '';
  return {
    eventID: 'e-1',
    eventTime: '2027-01-03T12:00:00Z',
    eventSource: 'ec2.amazonaws.com',
    eventName: 'ModifyImageAttribute',
    awsRegion: 'us-east-1',
    recipientAccountId: account,
    userIdentity: {
      arn: `arn:aws:sts::${account}:assumed-role/${name}/session`,
      sessionContext: { sessionIssuer: { arn: issuer } },
    },
    requestParameters: { imageId: 'ami-0000000000000aaaa' },
  };
}

describe("whose calls the event history's read leaves alone", () => {
  const own = new Set([OWN]);

  it("ignores the stack's own roles; reads back after Image Builder's service-linked role (a distribution changed)", () => {
    expect(isGoldsmithCall(callBy(OWN), own)).toBe(true);
    expect(isGoldsmithCall(callBy(IMAGE_BUILDER), own)).toBe(false);
  });

  it('reads back after a role merely named like Goldsmith’s, in a path, in another account, or not the service’s', () => {
    for (const issuer of [
      `arn:aws:iam::${ACCOUNT}:role/prod-goldsmith-Promotion-ShareServiceRole-Evil`,
      `arn:aws:iam::${ACCOUNT}:role/insider/prod-goldsmith-Promotion-ShareServiceRole-AbC`,
      `arn:aws:iam::${ACCOUNT}:role/goldsmith-prod-rotator`,
      `arn:aws:iam::${ACCOUNT}:role/AWSServiceRoleForImageBuilder`,
      `arn:aws:iam::${ACCOUNT}:role/x/AWSServiceRoleForImageBuilder`,
      `arn:aws:iam::210987654321:role/aws-service-role/imagebuilder.amazonaws.com/AWSServiceRoleForImageBuilder`,
    ]) {
      expect(isGoldsmithCall(callBy(issuer), own), issuer).toBe(false);
    }
  });

  it('does not trust the assumed-role ARN alone (it carries no path)', () => {
    const call = callBy(OWN);
    const bare: RecordedCall = { ...call, userIdentity: { arn: OWN } };
    expect(isGoldsmithCall(bare, own)).toBe(false);
  });
});

describe("the event history's window", () => {
  const now = new Date('2027-01-04T01:30:00Z');
  const end = new Date(now.getTime() - HISTORY_DELAY_ALLOWANCE_MS);

  it('reads the first window when the last recorded end lies in the future, rather than skipping the Region', () => {
    expect(lookupWindow('2027-03-01T00:00:00Z', now)).toEqual({
      start: new Date(end.getTime() - 86_400_000),
      end,
    });
  });

  it('still reads nothing when the last window ended exactly where this one would', () => {
    expect(lookupWindow(end.toISOString(), now)).toBeUndefined();
  });
});
