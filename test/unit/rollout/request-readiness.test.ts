import { describe, expect, it } from 'vitest';
import { rolloutSchema } from '../../../core/config/schema-rollout.js';
import { ROLLOUT_TAG } from '../../../core/names.js';
import { type GroupView, groupTemplate, templateReadiness } from '../../../core/rollout/readiness.js';
import {
  launchTemplateClientToken,
  launchTemplateVersionDescription,
  refreshPreferences,
  rolloutSessionName,
} from '../../../core/rollout/request.js';

const waves = [{ name: 'all', ous: ['ou-abcd-11111111'] }];

describe('refreshPreferences', () => {
  it('defaults: auto rollback, an hour of bake, 90–100 % healthy, no alarms, no checkpoints, no warm-up', () => {
    expect(refreshPreferences(rolloutSchema.parse({ waves }))).toEqual({
      AutoRollback: true,
      BakeTime: 3600,
      MinHealthyPercentage: 90,
      MaxHealthyPercentage: 100,
      SkipMatching: false,
      ScaleInProtectedInstances: 'Ignore',
      StandbyInstances: 'Ignore',
    });
  });

  it('passes alarms, checkpoints with their delay in seconds, and warm-up', () => {
    const settings = rolloutSchema.parse({
      waves,
      bakeMinutes: 2880,
      alarms: ['app-5xx'],
      minHealthyPercentage: 50,
      maxHealthyPercentage: 150,
      checkpointPercentages: [10, 50, 100],
      checkpointDelayMinutes: 15,
      instanceWarmupSeconds: 0,
      protectedInstances: 'Wait',
      standbyInstances: 'Terminate',
    });
    expect(refreshPreferences(settings)).toEqual({
      AutoRollback: true,
      BakeTime: 172800,
      MinHealthyPercentage: 50,
      MaxHealthyPercentage: 150,
      SkipMatching: false,
      ScaleInProtectedInstances: 'Wait',
      StandbyInstances: 'Terminate',
      AlarmSpecification: { Alarms: ['app-5xx'] },
      CheckpointPercentages: [10, 50, 100],
      CheckpointDelay: 900,
      InstanceWarmup: 0,
    });
  });
});

describe('launch template requests', () => {
  const key = {
    image: 'base',
    channel: 'prod',
    version: '1.0.0/3',
    account: '111111111111',
    region: 'us-east-1',
    group: 'web',
  };

  it('derives the same client token for a retry and another for any other group or version', () => {
    const token = launchTemplateClientToken(key);
    expect(launchTemplateClientToken({ ...key })).toBe(token);
    expect(launchTemplateClientToken({ ...key, group: 'api' })).not.toBe(token);
    expect(launchTemplateClientToken({ ...key, version: '1.0.0/4' })).not.toBe(token);
    expect(launchTemplateClientToken({ ...key, region: 'eu-west-1' })).not.toBe(token);
    expect(token.length).toBeLessThanOrEqual(128);
  });

  it('describes the version and names the session after the rollout', () => {
    expect(launchTemplateVersionDescription('base', 'prod', '1.0.0/3')).toBe('goldsmith base prod 1.0.0/3');
    const session = rolloutSessionName('base', 'prod', '1.0.0/3');
    expect(session).toBe('goldsmith-rollout-base-prod-1.0.0-3');
    expect(session).toMatch(/^[\w+=,.@-]{2,64}$/);
  });
});

const TAG = 'base/prod';
const tagged = { [ROLLOUT_TAG]: TAG };

describe('groupTemplate', () => {
  it.each<[string, GroupView, ReturnType<typeof groupTemplate>]>([
    [
      'an untagged group is ignored',
      { name: 'g', tags: {}, launchTemplate: { id: 'lt-1', version: '3' } },
      { kind: 'ignore' },
    ],
    [
      'a group following another channel is ignored',
      { name: 'g', tags: { [ROLLOUT_TAG]: 'base/dev' }, launchTemplate: { id: 'lt-1', version: '3' } },
      { kind: 'ignore' },
    ],
    [
      'a numbered version is ready',
      { name: 'g', tags: tagged, launchTemplate: { id: 'lt-1', version: '3' } },
      { kind: 'template', ref: { id: 'lt-1', version: '3' }, version: 3 },
    ],
    [
      '$Latest is skipped',
      { name: 'g', tags: tagged, launchTemplate: { id: 'lt-1', version: '$Latest' } },
      {
        kind: 'skip',
        reason: 'it runs launch template version $Latest: a refresh can roll back only to a numbered version',
      },
    ],
    [
      'no version means $Default, skipped',
      { name: 'g', tags: tagged, launchTemplate: { id: 'lt-1' } },
      {
        kind: 'skip',
        reason: 'it runs launch template version $Default: a refresh can roll back only to a numbered version',
      },
    ],
    [
      'a launch configuration is skipped',
      { name: 'g', tags: tagged, launchConfigurationName: 'old' },
      { kind: 'skip', reason: 'it uses launch configuration old, not a launch template' },
    ],
    [
      'no template at all is skipped',
      { name: 'g', tags: tagged },
      { kind: 'skip', reason: 'it has no launch template' },
    ],
    [
      'mixed instances with one template is ready',
      {
        name: 'g',
        tags: tagged,
        mixedInstances: {
          launchTemplate: { name: 'web', version: '7' },
          overrideTemplates: 0,
          instanceRequirements: false,
        },
      },
      { kind: 'template', ref: { name: 'web', version: '7' }, version: 7 },
    ],
    [
      'mixed instances with several templates is skipped',
      {
        name: 'g',
        tags: tagged,
        mixedInstances: {
          launchTemplate: { id: 'lt-1', version: '7' },
          overrideTemplates: 1,
          instanceRequirements: false,
        },
      },
      { kind: 'skip', reason: 'its mixed-instances policy uses more than one launch template' },
    ],
    [
      'attribute-based instance selection is skipped',
      {
        name: 'g',
        tags: tagged,
        mixedInstances: {
          launchTemplate: { id: 'lt-1', version: '7' },
          overrideTemplates: 0,
          instanceRequirements: true,
        },
      },
      {
        kind: 'skip',
        reason: 'it uses attribute-based instance selection, which a refresh with a desired configuration refuses',
      },
    ],
  ])('%s', (_title, group, expected) => {
    expect(groupTemplate(group, TAG)).toEqual(expected);
  });
});

describe('templateReadiness', () => {
  it.each([
    [
      'a template without the tag is ignored (the group is never touched)',
      { id: 'lt-1', tags: {}, imageId: 'ami-1' },
      { kind: 'ignore' },
    ],
    [
      'a literal AMI is ready',
      { id: 'lt-1', tags: tagged, imageId: 'ami-1' },
      { kind: 'ready', launchTemplateId: 'lt-1' },
    ],
    [
      'an AMI by parameter is skipped',
      { id: 'lt-1', tags: tagged, imageId: 'resolve:ssm:/golden/base' },
      {
        kind: 'skip',
        reason:
          'launch template lt-1 names its AMI by a Systems Manager parameter (resolve:ssm:/golden/base): a refresh cannot roll back to it',
      },
    ],
    [
      'no AMI is skipped',
      { id: 'lt-1', tags: tagged },
      { kind: 'skip', reason: "launch template lt-1's version names no AMI" },
    ],
  ])('%s', (_title, template, expected) => {
    expect(templateReadiness(template, TAG)).toEqual(expected);
  });
});
