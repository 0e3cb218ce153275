import { describe, expect, it } from 'vitest';
import { Ec2Fake } from '../../../local/fakes/ec2.js';
import { SsmFake } from '../../../local/fakes/ssm.js';
import { TemplateResolver } from '../../../local/simulator/intrinsics.js';
import { createTemplateParameters } from '../../../local/simulator/template-parameters.js';

const ACCOUNT = '123456789012';
const template = {
  Resources: {
    DeployedRelease: {
      Type: 'AWS::SSM::Parameter',
      Properties: { Name: '/goldsmith-release/local', Value: '0.2.0', Type: 'String' },
      DeletionPolicy: 'Retain',
    },
  },
};

describe('the local cloud deploys the stacks’ SSM parameters', () => {
  it('puts the recorded release where GetParameter finds it, once', () => {
    const now = () => Date.parse('2027-01-01T00:00:00Z');
    const ssm = new SsmFake(ACCOUNT, new Ec2Fake(ACCOUNT, now), now);
    const resolver = new TemplateResolver([template], { accountId: ACCOUNT, region: 'eu-west-1' });
    const names = createTemplateParameters([template], resolver, ssm, { region: 'eu-west-1', accountId: ACCOUNT });
    expect(names).toEqual(['/goldsmith-release/local']);
    const call = { service: 'ssm', action: 'GetParameter', body: undefined, region: 'eu-west-1', accountId: ACCOUNT };
    expect(ssm.handle({ ...call, input: { Name: '/goldsmith-release/local' } })).toMatchObject({
      Parameter: { Value: '0.2.0', Type: 'String', Version: 1 },
    });
    // Another Region has none, as CloudFormation puts it only in the stack's.
    expect(() => ssm.handle({ ...call, region: 'us-east-1', input: { Name: '/goldsmith-release/local' } })).toThrow(
      expect.objectContaining({ name: 'ParameterNotFound' }),
    );
  });
});
