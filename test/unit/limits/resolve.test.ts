import { describe, expect, it } from 'vitest';
import { DeployLengthResolver, type StackTemplate, shortStackName } from '../../../core/limits/resolve.js';

const SITE = { region: 'eu-west-1', account: '111122223333' };

const factory: StackTemplate = {
  stack: 'prod-goldsmith-Factory',
  template: {
    Resources: {
      Topic: { Type: 'AWS::SNS::Topic', Properties: { TopicName: 'builds' } },
      Machine: { Type: 'AWS::StepFunctions::StateMachine' },
      Queue: {
        Type: 'AWS::SQS::Queue',
        Properties: { QueueName: { 'Fn::Join': ['-', ['q', { Ref: 'AWS::Region' }]] } },
      },
      Key: { Type: 'AWS::KMS::Key' },
      Table: { Type: 'AWS::DynamoDB::Table' },
      Fn: { Type: 'AWS::Lambda::Function', Properties: { FunctionName: 'start' } },
      Role: { Type: 'AWS::IAM::Role', Properties: { RoleName: 'runner' } },
      Policy: { Type: 'AWS::IAM::ManagedPolicy' },
    },
    Outputs: {
      // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub syntax, as a template holds it
      TopicArn: { Value: { Ref: 'Topic' }, Export: { Name: { 'Fn::Sub': '${AWS::StackName}-topic' } } },
      Plain: { Value: 'not exported' },
    },
  },
};
const other: StackTemplate = { stack: 'prod-goldsmith-Promotion', template: {} };

const resolver = new DeployLengthResolver([factory, other], SITE);
const resolve = (value: unknown, stack = factory) => resolver.resolve(value, stack);

describe('DeployLengthResolver: pseudo parameters and template parameters', () => {
  it('resolves each pseudo parameter as the deploy site would', () => {
    expect(
      resolve([
        { Ref: 'AWS::Region' },
        { Ref: 'AWS::AccountId' },
        { Ref: 'AWS::Partition' },
        { Ref: 'AWS::URLSuffix' },
        { Ref: 'AWS::StackName' },
      ]),
    ).toEqual(['eu-west-1', '111122223333', 'aws', 'amazonaws.com', 'prod-goldsmith-Factory']);
  });

  it('stands a name-sized text in for a template parameter', () => {
    expect(resolve({ Ref: 'BootstrapVersion' })).toBe('x'.repeat(64));
  });
});

describe('DeployLengthResolver: Ref of a resource', () => {
  it('gives the ARN of a topic and a state machine, the URL of a queue, the id of a key', () => {
    expect(resolve({ Ref: 'Topic' })).toBe('arn:aws:sns:eu-west-1:111122223333:builds');
    expect(resolve({ Ref: 'Machine' })).toBe(
      'arn:aws:states:eu-west-1:111122223333:state-machine/prod-goldsmith-Factory-Machine-ABCDEFGHIJKLM',
    );
    expect(resolve({ Ref: 'Queue' })).toBe('https://sqs.eu-west-1.amazonaws.com/111122223333/q-eu-west-1');
    expect(resolve({ Ref: 'Key' })).toBe('1234abcd-12ab-34cd-56ef-1234567890ab');
    expect(resolve({ Ref: 'Policy' })).toBe(
      'arn:aws:iam::111122223333:managed-policy/prod-goldsmith-Factory-Policy-ABCDEFGHIJKLM',
    );
  });

  it('gives the name of the rest: the one written, or one CloudFormation generates, cut as it cuts them', () => {
    expect(resolve({ Ref: 'Fn' })).toBe('start');
    expect(resolve({ Ref: 'Table' })).toBe('prod-goldsmith-Factory-Table-ABCDEFGHIJKLM');
    const long = {
      stack: `prod-goldsmith-${'S'.repeat(60)}`,
      template: { Resources: { T: { Type: 'AWS::SQS::Queue' } } },
    };
    expect(resolver.resolve({ 'Fn::GetAtt': ['T', 'QueueName'] }, long)).toBe(
      `${`prod-goldsmith-${'S'.repeat(60)}`.slice(0, 50)}-ABCDEFGHIJKLM`,
    );
  });
});

describe('DeployLengthResolver: Fn::GetAtt', () => {
  it('gives an ARN for Arn and any attribute ending in Arn, in either form', () => {
    expect(resolve({ 'Fn::GetAtt': ['Fn', 'Arn'] })).toBe('arn:aws:lambda:eu-west-1:111122223333:function:start');
    expect(resolve({ 'Fn::GetAtt': 'Role.Arn' })).toBe('arn:aws:iam::111122223333:role/runner');
    expect(resolve({ 'Fn::GetAtt': ['Topic', 'TopicArn'] })).toBe('arn:aws:sns:eu-west-1:111122223333:builds');
    expect(resolve({ 'Fn::GetAtt': ['Queue', 'Arn'] })).toBe('arn:aws:sqs:eu-west-1:111122223333:q-eu-west-1');
    expect(resolve({ 'Fn::GetAtt': ['Missing', 'Arn'] })).toBe(
      'arn:aws:unknown:eu-west-1:111122223333:resource/prod-goldsmith-Factory-Missing-ABCDEFGHIJKLM',
    );
  });

  it('builds the ARN of a custom or unnamed resource type from what its type holds', () => {
    const odd: StackTemplate = {
      stack: 'prod-goldsmith-Odd',
      template: { Resources: { C: { Type: 'Custom::Thing' }, W: { Type: 'Weird' } } },
    };

    expect(resolver.resolve({ 'Fn::GetAtt': ['C', 'Arn'] }, odd)).toBe(
      'arn:aws:thing:eu-west-1:111122223333:resource/prod-goldsmith-Odd-C-ABCDEFGHIJKLM',
    );
    expect(resolver.resolve({ 'Fn::GetAtt': ['W', 'Arn'] }, odd)).toBe(
      'arn:aws:unknown:eu-west-1:111122223333:resource/prod-goldsmith-Odd-W-ABCDEFGHIJKLM',
    );
  });

  it('gives a function URL, a queue URL, and the name for other attributes', () => {
    expect(resolve({ 'Fn::GetAtt': ['Fn', 'FunctionUrl'] })).toBe(
      `https://${'x'.repeat(32)}.lambda-url.eu-west-1.on.aws/`,
    );
    expect(resolve({ 'Fn::GetAtt': ['Queue', 'QueueUrl'] })).toBe(
      'https://sqs.eu-west-1.amazonaws.com/111122223333/q-eu-west-1',
    );
    expect(resolve({ 'Fn::GetAtt': ['Fn', 'ArnPrefix'] })).toBe('start');
  });
});

describe('DeployLengthResolver: functions', () => {
  it('joins, selects and splits resolved parts', () => {
    expect(resolve({ 'Fn::Join': [':', ['a', { Ref: 'AWS::Region' }]] })).toBe('a:eu-west-1');
    expect(resolve({ 'Fn::Select': [1, ['a', { Ref: 'AWS::AccountId' }]] })).toBe('111122223333');
    expect(resolve({ 'Fn::Split': ['-', { Ref: 'AWS::Region' }] })).toEqual(['eu', 'west', '1']);
  });

  it('substitutes its own variables first, then attributes, then references', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub syntax, as a template holds it
    expect(resolve({ 'Fn::Sub': ['${Name}/${Fn.Arn}/${AWS::Region}', { Name: { Ref: 'AWS::AccountId' } }] })).toBe(
      '111122223333/arn:aws:lambda:eu-west-1:111122223333:function:start/eu-west-1',
    );
    // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub syntax, as a template holds it
    expect(resolve({ 'Fn::Sub': '${AWS::Partition}-${!Literal}' })).toBe('aws-${!Literal}');
  });

  it('imports an export of another stack as that stack resolves it, and an ARN-sized stand-in otherwise', () => {
    expect(resolve({ 'Fn::ImportValue': 'prod-goldsmith-Factory-topic' }, other)).toBe(
      'arn:aws:sns:eu-west-1:111122223333:builds',
    );
    expect(resolve({ 'Fn::ImportValue': 'elsewhere' }, other)).toBe('x'.repeat(96));
  });

  it('drops AWS::NoValue from lists and objects, and keeps plain values and other objects as they are', () => {
    expect(resolve(['a', { Ref: 'AWS::NoValue' }, null, 3])).toEqual(['a', null, 3]);
    expect(resolve({ A: { Ref: 'AWS::NoValue' }, B: { Ref: 'AWS::Region' } })).toEqual({ B: 'eu-west-1' });
    expect(resolve({ A: 'x', B: 'y' })).toEqual({ A: 'x', B: 'y' });
    expect(resolve({ Unknown: 'x' })).toEqual({ Unknown: 'x' });
    expect(resolve(null)).toBeNull();
    expect(resolve('text')).toBe('text');
  });
});

describe('DeployLengthResolver.target', () => {
  it('finds the logical id a Ref, a GetAtt or an import points at, with its stack', () => {
    expect(resolver.target({ Ref: 'Role' }, factory)).toEqual({ stack: 'prod-goldsmith-Factory', logicalId: 'Role' });
    expect(resolver.target({ 'Fn::GetAtt': ['Role', 'Arn'] }, other)).toEqual({
      stack: 'prod-goldsmith-Promotion',
      logicalId: 'Role',
    });
    expect(resolver.target({ 'Fn::ImportValue': 'prod-goldsmith-Factory-topic' }, other)).toEqual({
      stack: 'prod-goldsmith-Factory',
      logicalId: 'Topic',
    });
  });

  it('finds none for a literal, an unknown import or another function', () => {
    expect(resolver.target('arn:aws:iam::111122223333:role/x', factory)).toBeUndefined();
    expect(resolver.target(null, factory)).toBeUndefined();
    expect(resolver.target({ 'Fn::ImportValue': 'elsewhere' }, factory)).toBeUndefined();
    expect(resolver.target({ 'Fn::GetAtt': 'Role.Arn' }, factory)).toBeUndefined();
    expect(resolver.target({ 'Fn::Join': ['', []] }, factory)).toBeUndefined();
  });
});

describe('shortStackName', () => {
  it('keeps the part after the last dash', () => {
    expect(shortStackName('prod-goldsmith-Factory')).toBe('Factory');
    expect(shortStackName('Factory')).toBe('Factory');
  });
});
