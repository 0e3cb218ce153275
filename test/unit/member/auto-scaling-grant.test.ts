import { describe, expect, it } from 'vitest';
import { AUTO_SCALING_GRANT_OPERATIONS, autoScalingGrantName } from '../../../core/sharing/key-grants.js';
import {
  type CustomResourceEvent,
  type CustomResourceResponse,
  GRANT_ATTEMPTS,
  GRANT_SETTLE_MS,
  type MemberCalls,
  onBaselineEvent,
} from '../../../member/auto-scaling-grant.js';

const REGION = 'eu-west-1';
const MEMBER = '200000000001';
const KEY_ARN = `arn:aws:kms:${REGION}:123456789012:key/mrk-0123456789abcdef0123456789abcdef`;
const NEW_KEY_ARN = `arn:aws:kms:${REGION}:123456789012:key/mrk-fedcba9876543210fedcba9876543210`;
const ROLE_ARN = `arn:aws:iam::${MEMBER}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`;

function awsError(name: string, message: string): Error {
  const e = new Error(message);
  e.name = name;
  return e;
}

/** A member account as IAM and KMS see it: whether the role exists, the grants, and each call made. */
function memberAccount(opts: { roleExists?: boolean; roleInvisibleFor?: number; remainingMs?: number } = {}) {
  const state = {
    roleExists: opts.roleExists ?? false,
    invisible: opts.roleInvisibleFor ?? 0,
    grants: new Map<string, { keyId: string; grantee: string; name: string; operations: string[] }>(),
    responses: [] as CustomResourceResponse[],
    slept: [] as number[],
    calls: [] as string[],
    failRetire: undefined as Error | undefined,
    retiring: [] as string[],
  };
  let counter = 0;
  const calls: MemberCalls = {
    async createServiceLinkedRole(input) {
      state.calls.push(`iam:CreateServiceLinkedRole ${input.AWSServiceName}`);
      if (state.roleExists)
        throw awsError(
          'InvalidInputException',
          'Service role name AWSServiceRoleForAutoScaling has been taken in this account, please try a different suffix.',
        );
      state.roleExists = true;
      return { Role: { Arn: ROLE_ARN } };
    },
    async createGrant(input) {
      state.calls.push(`kms:CreateGrant ${input.KeyId}`);
      if (!state.roleExists || state.invisible > 0) {
        state.invisible--;
        throw awsError('InvalidArnException', `ARN ${input.GranteePrincipal} is not valid`);
      }
      for (const [id, g] of state.grants)
        if (g.keyId === input.KeyId && g.name === input.Name && g.grantee === input.GranteePrincipal)
          return { GrantId: id };
      const id = `${(++counter).toString(16).padStart(64, '0')}`;
      state.grants.set(id, {
        keyId: input.KeyId,
        grantee: input.GranteePrincipal,
        name: input.Name,
        operations: input.Operations,
      });
      if (input.RetiringPrincipal) state.retiring.push(input.RetiringPrincipal);
      return { GrantId: id };
    },
    async retireGrant(input) {
      state.calls.push(`kms:RetireGrant ${input.KeyId} ${input.GrantId}`);
      if (state.failRetire) throw state.failRetire;
      const g = state.grants.get(input.GrantId);
      if (!g || g.keyId !== input.KeyId) throw awsError('NotFoundException', `Grant ${input.GrantId} not found`);
      state.grants.delete(input.GrantId);
    },
    async respond(_url, response) {
      state.responses.push(response);
    },
    async sleep(ms) {
      state.slept.push(ms);
    },
    remainingMs: () => opts.remainingMs ?? 600_000,
  };
  return { state, calls };
}

function event(
  type: CustomResourceEvent['RequestType'],
  props: Record<string, unknown> = { KeyArn: KEY_ARN, AutoScalingRoleArn: ROLE_ARN },
  physicalId?: string,
): CustomResourceEvent {
  return {
    RequestType: type,
    ResponseURL: 'https://cloudformation-custom-resource-response.example/answer',
    StackId: `arn:aws:cloudformation:${REGION}:${MEMBER}:stack/StackSet-goldsmith-member-baseline/1`,
    RequestId: `req-${type}`,
    LogicalResourceId: 'AutoScalingKeyGrant',
    ResourceProperties: { ServiceToken: 'arn:aws:lambda:eu-west-1:200000000001:function:grant', ...props },
    ...(physicalId ? { PhysicalResourceId: physicalId } : {}),
  };
}

describe('the member baseline custom resource', () => {
  it('creates the Auto Scaling role and grants it the documented operations on the Region’s key', async () => {
    const { state, calls } = memberAccount();
    await onBaselineEvent(event('Create'), calls, REGION);
    expect(state.roleExists).toBe(true);
    expect([...state.grants.values()]).toEqual([
      {
        keyId: KEY_ARN,
        grantee: ROLE_ARN,
        name: autoScalingGrantName(event('Create').StackId),
        operations: [...AUTO_SCALING_GRANT_OPERATIONS],
      },
    ]);
    const [grantId] = state.grants.keys();
    expect(state.responses).toEqual([
      expect.objectContaining({
        Status: 'SUCCESS',
        PhysicalResourceId: `${KEY_ARN}#${grantId}`,
        Data: { GrantId: grantId },
      }),
    ]);
  });

  it('names the factory account as the grant’s retiring principal, and refuses anything but an account', async () => {
    const { state, calls } = memberAccount({ roleExists: true });
    const retiring = 'arn:aws:iam::123456789012:root';
    await onBaselineEvent(
      event('Create', { KeyArn: KEY_ARN, AutoScalingRoleArn: ROLE_ARN, RetiringPrincipal: retiring }),
      calls,
      REGION,
    );
    expect(state.retiring).toEqual([retiring]);
    const bad = memberAccount({ roleExists: true });
    await onBaselineEvent(
      event('Create', {
        KeyArn: KEY_ARN,
        AutoScalingRoleArn: ROLE_ARN,
        RetiringPrincipal: 'arn:aws:iam::123456789012:role/x',
      }),
      bad.calls,
      REGION,
    );
    expect(bad.state.responses[0]).toMatchObject({
      Status: 'FAILED',
      Reason: expect.stringMatching(/^RetiringPrincipal must be an account's root ARN/),
    });
    expect(bad.state.grants.size).toBe(0);
  });

  it('answers only once the new grant can be in force throughout KMS (AWS: usually within five minutes)', async () => {
    const { state, calls } = memberAccount({ roleExists: true });
    await onBaselineEvent(event('Create'), calls, REGION);
    expect(state.slept).toEqual([GRANT_SETTLE_MS]);
  });

  it('shortens that wait to answer before Lambda’s timeout', async () => {
    const { state, calls } = memberAccount({ roleExists: true, remainingMs: 70_000 });
    await onBaselineEvent(event('Create'), calls, REGION);
    expect(state.slept).toEqual([60_000]);
    expect(state.responses[0]?.Status).toBe('SUCCESS');
  });

  it('takes an existing Auto Scaling role as it is ("has been taken")', async () => {
    const { state, calls } = memberAccount({ roleExists: true });
    await onBaselineEvent(event('Create'), calls, REGION);
    expect(state.grants.size).toBe(1);
    expect(state.responses[0]?.Status).toBe('SUCCESS');
  });

  it('retries the grant with backoff while KMS cannot see the just-created role yet', async () => {
    const { state, calls } = memberAccount({ roleInvisibleFor: 3 });
    await onBaselineEvent(event('Create'), calls, REGION);
    expect(state.slept).toEqual([1000, 2000, 4000, GRANT_SETTLE_MS]);
    expect(state.grants.size).toBe(1);
    expect(state.responses[0]?.Status).toBe('SUCCESS');
  });

  it('gives up after a bounded number of tries and answers FAILED with KMS’s error', async () => {
    const { state, calls } = memberAccount({ roleInvisibleFor: 100 });
    await onBaselineEvent(event('Create'), calls, REGION);
    expect(state.calls.filter((c) => c.startsWith('kms:CreateGrant'))).toHaveLength(GRANT_ATTEMPTS);
    expect(state.responses).toEqual([
      expect.objectContaining({
        Status: 'FAILED',
        Reason: expect.stringContaining('InvalidArnException'),
        PhysicalResourceId: 'no-grant-AutoScalingKeyGrant',
      }),
    ]);
  });

  it('stops retrying in time to answer before Lambda’s timeout', async () => {
    const { state, calls } = memberAccount({ roleInvisibleFor: 100, remainingMs: 12_500 });
    await onBaselineEvent(event('Create'), calls, REGION);
    expect(state.slept).toEqual([1000, 2000]);
    expect(state.responses[0]?.Status).toBe('FAILED');
  });

  it('returns the same grant on a rerun, so a retried Create or an unchanged Update changes nothing', async () => {
    const { state, calls } = memberAccount();
    await onBaselineEvent(event('Create'), calls, REGION);
    await onBaselineEvent(event('Create'), calls, REGION);
    const first = state.responses[0]!.PhysicalResourceId;
    await onBaselineEvent(event('Update', undefined, first), calls, REGION);
    expect(state.grants.size).toBe(1);
    expect(state.responses.map((r) => r.PhysicalResourceId)).toEqual([first, first, first]);
  });

  it('grants on the new key when the Region’s key changes, and retires the old grant on the Delete that follows', async () => {
    const { state, calls } = memberAccount();
    await onBaselineEvent(event('Create'), calls, REGION);
    const old = state.responses[0]!.PhysicalResourceId;
    await onBaselineEvent(event('Update', { KeyArn: NEW_KEY_ARN, AutoScalingRoleArn: ROLE_ARN }, old), calls, REGION);
    const renewed = state.responses[1]!.PhysicalResourceId;
    expect(renewed).not.toBe(old);
    expect(renewed.startsWith(`${NEW_KEY_ARN}#`)).toBe(true);
    // A new physical id makes CloudFormation send Delete for the old one once the update is complete.
    await onBaselineEvent(event('Delete', undefined, old), calls, REGION);
    expect([...state.grants.values()].map((g) => g.keyId)).toEqual([NEW_KEY_ARN]);
    expect(state.responses.map((r) => r.Status)).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS']);
  });

  it('retires the grant on Delete and keeps the role the account’s other Regions and groups use', async () => {
    const { state, calls } = memberAccount();
    await onBaselineEvent(event('Create'), calls, REGION);
    await onBaselineEvent(event('Delete', undefined, state.responses[0]!.PhysicalResourceId), calls, REGION);
    expect(state.grants.size).toBe(0);
    expect(state.roleExists).toBe(true);
    expect(state.calls.filter((c) => c.startsWith('iam:'))).toHaveLength(1);
    expect(state.responses[1]?.Status).toBe('SUCCESS');
  });

  it('gives each stack instance its own grant: an account moved between two targeted OUs keeps one after the old stack is deleted', async () => {
    const { state, calls } = memberAccount();
    const stack = (uuid: string, e: CustomResourceEvent): CustomResourceEvent => ({
      ...e,
      StackId: `arn:aws:cloudformation:${REGION}:${MEMBER}:stack/StackSet-goldsmith-member-baseline-${uuid}/${uuid}`,
    });
    // StackSets creates the new OU's stack instance before it deletes the old OU's.
    await onBaselineEvent(stack('old', event('Create')), calls, REGION);
    await onBaselineEvent(stack('new', event('Create')), calls, REGION);
    expect(state.grants.size).toBe(2);
    await onBaselineEvent(
      stack('old', event('Delete', undefined, state.responses[0]!.PhysicalResourceId)),
      calls,
      REGION,
    );
    const [left] = state.grants.keys();
    expect(state.grants.size).toBe(1);
    expect(state.responses[1]?.PhysicalResourceId).toBe(`${KEY_ARN}#${left}`);
  });

  it('deletes cleanly when the grant is already gone, or was never made', async () => {
    const { state, calls } = memberAccount();
    await onBaselineEvent(event('Delete', undefined, `${KEY_ARN}#${'f'.repeat(64)}`), calls, REGION);
    await onBaselineEvent(event('Delete', undefined, 'no-grant-AutoScalingKeyGrant'), calls, REGION);
    expect(state.responses.map((r) => r.Status)).toEqual(['SUCCESS', 'SUCCESS']);
  });

  it('answers FAILED, not silence, when retiring fails', async () => {
    const { state, calls } = memberAccount();
    state.failRetire = awsError('AccessDeniedException', 'not authorized to perform kms:RetireGrant');
    await onBaselineEvent(event('Delete', undefined, `${KEY_ARN}#${'a'.repeat(64)}`), calls, REGION);
    expect(state.responses).toEqual([
      expect.objectContaining({ Status: 'FAILED', Reason: expect.stringContaining('AccessDeniedException') }),
    ]);
  });

  it.each([
    [{ AutoScalingRoleArn: ROLE_ARN }, 'KeyArn must be a KMS key ARN'],
    [
      { KeyArn: KEY_ARN.replace(REGION, 'us-east-1'), AutoScalingRoleArn: ROLE_ARN },
      `KeyArn must be a key in ${REGION}`,
    ],
    [{ KeyArn: KEY_ARN, AutoScalingRoleArn: `arn:aws:iam::${MEMBER}:role/admin` }, 'AutoScalingRoleArn must be'],
  ])('refuses bad properties naming the field, and creates nothing (%j)', async (props, message) => {
    const { state, calls } = memberAccount();
    await onBaselineEvent(event('Create', props), calls, REGION);
    expect(state.calls).toEqual([]);
    expect(state.responses).toEqual([
      expect.objectContaining({ Status: 'FAILED', Reason: expect.stringContaining(message) }),
    ]);
  });

  it('answers even when an unexpected error is thrown', async () => {
    const { state, calls } = memberAccount();
    calls.createServiceLinkedRole = async () => {
      throw awsError('AccessDenied', 'not authorized to perform iam:CreateServiceLinkedRole');
    };
    await onBaselineEvent(event('Create'), calls, REGION);
    expect(state.grants.size).toBe(0);
    expect(state.responses).toEqual([
      expect.objectContaining({
        Status: 'FAILED',
        Reason: 'AccessDenied: not authorized to perform iam:CreateServiceLinkedRole',
      }),
    ]);
  });
});
