import { describe, expect, it } from 'vitest';
import { answer, BUILD_ACCOUNT, offlineEnvironment } from '../../../scripts/build/offline.js';

const params = (p: Record<string, string>) => new URLSearchParams(p);

describe('the offline build endpoint', () => {
  it('answers GetCallerIdentity with the build account', () => {
    expect(answer(params({ Action: 'GetCallerIdentity', Version: '2011-06-15' }))).toContain(
      `<Account>${BUILD_ACCOUNT}</Account>`,
    );
  });

  it('answers DescribeStacks for the CDK and SST bootstrap stacks with the versions and buckets SST reads', () => {
    const cdk = answer(params({ Action: 'DescribeStacks', StackName: 'CDKToolkit' }))!;
    expect(cdk).toContain('<OutputKey>BootstrapVersion</OutputKey><OutputValue>21</OutputValue>');
    expect(cdk).toContain('<OutputKey>BucketName</OutputKey>');
    expect(cdk).toContain('<StackStatus>CREATE_COMPLETE</StackStatus>');
    const sst = answer(params({ Action: 'DescribeStacks', StackName: 'SSTBootstrap' }))!;
    expect(sst).toContain('<OutputKey>Version</OutputKey><OutputValue>7.4</OutputValue>');
  });

  it('refuses any other stack or action, so an unexpected call fails the build instead of being faked', () => {
    expect(answer(params({ Action: 'DescribeStacks', StackName: 'goldsmith-prod-Factory' }))).toBeUndefined();
    expect(answer(params({ Action: 'CreateChangeSet' }))).toBeUndefined();
  });

  it("passes the build none of the caller's AWS settings, so no service endpoint, profile or token reaches an account", () => {
    const env = offlineEnvironment({
      PATH: '/usr/bin',
      HOME: '/home/me',
      AWS_ENDPOINT_URL_STS: 'https://sts.amazonaws.com',
      AWS_PROFILE: 'prod-admin',
      AWS_SESSION_TOKEN: 'token',
      aws_access_key_id: 'AKIAREAL',
      SST_STAGE: 'prod',
    });
    expect(env).toEqual({ PATH: '/usr/bin', HOME: '/home/me' });
  });
});
