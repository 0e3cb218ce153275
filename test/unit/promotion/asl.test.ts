import { describe, expect, it } from 'vitest';
import { aslFromTemplate, placeholderFunctionArn, type TemplateJson } from '../../../stacks/promotion/asl.js';

const template: TemplateJson = {
  Resources: {
    WorkerFn1234ABCD: { Type: 'AWS::Lambda::Function' },
    PromotionStateMachine46864E46: {
      Type: 'AWS::StepFunctions::StateMachine',
      Properties: {
        DefinitionString: {
          'Fn::Join': [
            '',
            [
              '{"StartAt":"Work","States":{"Work":{"Type":"Task","Resource":"',
              { 'Fn::GetAtt': ['WorkerFn1234ABCD', 'Arn'] },
              '","Next":"Pointer"},"Pointer":{"Type":"Pass","Result":"arn:',
              { Ref: 'AWS::Partition' },
              ':ssm:',
              { Ref: 'AWS::Region' },
              '","End":true}}}',
            ],
          ],
        },
      },
    },
    OtherMachine: { Type: 'AWS::StepFunctions::StateMachine', Properties: { DefinitionString: '{}' } },
  },
};

describe('aslFromTemplate', () => {
  it('resolves function ARNs and pseudo parameters to placeholders and parses the definition', () => {
    const asl = aslFromTemplate(template, 'PromotionStateMachine', { region: 'eu-west-1' });

    expect(asl.States.Work).toMatchObject({
      Resource: placeholderFunctionArn('WorkerFn1234ABCD', { region: 'eu-west-1' }),
    });
    expect(asl.States.Pointer).toMatchObject({ Result: 'arn:aws:ssm:eu-west-1' });
  });

  it('refuses a prefix that matches no state machine or several', () => {
    expect(() => aslFromTemplate(template, 'Nope')).toThrow(/found 0/);
    expect(() => aslFromTemplate(template, '')).toThrow(/found 2/);
  });

  it('refuses intrinsics it cannot resolve instead of guessing', () => {
    const broken: TemplateJson = {
      Resources: {
        M: { Type: 'AWS::StepFunctions::StateMachine', Properties: { DefinitionString: { 'Fn::Sub': 'x' } } },
      },
    };
    expect(() => aslFromTemplate(broken, 'M')).toThrow(/unsupported intrinsic Fn::Sub/);
  });
});
