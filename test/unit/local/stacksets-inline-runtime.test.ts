import { describe, expect, it } from 'vitest';
import { ServiceLinkedRolesFake } from '../../../local/fakes/iam-service-roles.js';
import { KmsFake } from '../../../local/fakes/kms.js';
import { runInlineFunction } from '../../../local/fakes/stacksets-inline-function.js';
import type { CustomResourceEvent } from '../../../member/auto-scaling-grant.js';

const MEMBER = '200000000001';

/** Inline code (CommonJS) that waits `WaitMs`, then answers with a physical id naming `label`, its Region and stack. */
function codeLabelled(label: string): string {
  return `const https = require('node:https');
exports.handler = async (event) => {
  await new Promise((wake) => setTimeout(wake, Number(event.ResourceProperties.WaitMs)));
  await new Promise((done) => {
    const put = https.request(event.ResponseURL, { method: 'PUT' }, (r) => { r.resume(); r.on('end', done); });
    put.end(JSON.stringify({ Status: 'SUCCESS', Reason: '', StackId: event.StackId, RequestId: event.RequestId,
      LogicalResourceId: event.LogicalResourceId,
      PhysicalResourceId: '${label}/' + process.env.AWS_REGION + '/' + event.StackId }));
  });
};`;
}

const cloud = () => ({
  iam: new ServiceLinkedRolesFake(),
  kms: new KmsFake('111111111111'),
  organizationId: 'o-ab12cd34ef',
});

function run(code: string, region: string, stack: string, waitMs: number, member = cloud()) {
  const event: CustomResourceEvent = {
    RequestType: 'Create',
    ResponseURL: `https://cloudformation-custom-resource-response-${region}.s3.amazonaws.com/${stack}`,
    StackId: stack,
    RequestId: `Create-Thing-${stack}`,
    LogicalResourceId: 'Thing',
    ResourceProperties: { WaitMs: waitMs },
  };
  const site = { account: MEMBER, region, roleArn: `arn:aws:iam::${MEMBER}:role/fn`, startMs: 0, timeoutSeconds: 60 };
  return runInlineFunction(code, event, site, member);
}

describe("the stack instances' inline function runtime", () => {
  it('runs each code of one Region as its own module: a new stack set version answers with its own code', async () => {
    const first = await run(codeLabelled('v1'), 'us-east-1', 'stack-a', 0);
    const second = await run(codeLabelled('v2'), 'us-east-1', 'stack-b', 0);
    expect(first.response?.PhysicalResourceId).toBe('v1/us-east-1/stack-a');
    expect(second.response?.PhysicalResourceId).toBe('v2/us-east-1/stack-b');
  });

  it("gives the same code each Region's AWS_REGION", async () => {
    const code = codeLabelled('v1');
    const east = await run(code, 'us-east-1', 'stack-a', 0);
    const west = await run(code, 'eu-west-1', 'stack-b', 0);
    expect(east.response?.PhysicalResourceId).toBe('v1/us-east-1/stack-a');
    expect(west.response?.PhysicalResourceId).toBe('v1/eu-west-1/stack-b');
  });

  it('keeps two runs at once apart: each its own answer and its own virtual time', async () => {
    const code = codeLabelled('v1');
    const [slow, quick] = await Promise.all([
      run(code, 'us-east-1', 'stack-slow', 5000),
      run(code, 'us-east-1', 'stack-quick', 1000),
    ]);
    expect(slow).toEqual({
      response: expect.objectContaining({ PhysicalResourceId: 'v1/us-east-1/stack-slow', StackId: 'stack-slow' }),
      elapsedMs: 5000,
    });
    expect(quick).toEqual({
      response: expect.objectContaining({ PhysicalResourceId: 'v1/us-east-1/stack-quick', StackId: 'stack-quick' }),
      elapsedMs: 1000,
    });
  });
});
