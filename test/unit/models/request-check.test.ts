import { GetImageCommand, ImagebuilderClient } from '@aws-sdk/client-imagebuilder';
import * as organizations from '@aws-sdk/client-organizations';
import { NormalizedSchema } from '@smithy/core/schema';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../local/clock.js';
import { installFakes } from '../../../local/fakes/install.js';
import { modelsFor } from '../../../local/models/load.js';
import { modelCheckFigures, withdrawViolations } from '../../../local/models/request-check.js';
import { checkAgainstModel } from '../../../local/models/validate.js';
import type { Direction, SdkSchema } from '../../../local/models/validate-context.js';
import { codePoints } from '../../../local/models/validate-scalars.js';

const IMAGE = 'arn:aws:imagebuilder:us-east-1:123456789012:image/base/1.2.0/3';

function check(service: string, operation: string, value: Record<string, unknown>, direction: Direction = 'request') {
  const models = modelsFor(service);
  if (!models) throw new Error(`no model for ${service}`);
  return checkAgainstModel(models, operation, direction, value).problems;
}

const rules = (problems: { path: string; rule: string }[]) => problems.map((p) => `${p.path} ${p.rule}`);

describe('checkAgainstModel', () => {
  it('accepts a request that matches the model', () => {
    expect(check('imagebuilder', 'GetImage', { imageBuildVersionArn: IMAGE })).toEqual([]);
    expect(
      check('EC2', 'ModifyImageAttribute', {
        ImageId: 'ami-0123456789abcdef0',
        LaunchPermission: { Add: [{ OrganizationalUnitArn: 'arn:aws:organizations::111122223333:ou/o-a1/ou-a1-b2' }] },
      }),
    ).toEqual([]);
  });

  it('refuses an operation the service does not have', () => {
    expect(rules(check('imagebuilder', 'GetImages', {}))).toEqual(['(operation) operation']);
  });

  it('names the member path of an unknown member, a missing required member and a wrong type', () => {
    const problems = check('EC2', 'ModifyImageAttribute', {
      LaunchPermission: { Add: [{ Gruop: 'all' }] },
      DryRun: 'yes',
    });
    expect(rules(problems)).toEqual(['ImageId required', 'LaunchPermission.Add[0].Gruop member', 'DryRun type']);
  });

  it('refuses a value outside the enum, too long, out of range or off the pattern', () => {
    expect(rules(check('EC2', 'ModifyImageAttribute', { ImageId: 'ami-1', OperationType: 'append' }))).toEqual([
      'OperationType enum',
    ]);
    expect(rules(check('SSM', 'GetParameter', { Name: 'x'.repeat(2049) }))).toEqual(['Name length']);
    expect(rules(check('Organizations', 'ListAccountsForParent', { ParentId: 'r-ab12', MaxResults: 21 }))).toEqual([
      'MaxResults range',
    ]);
    expect(rules(check('imagebuilder', 'GetImage', { imageBuildVersionArn: 'ami-1' }))).toEqual([
      'imageBuildVersionArn pattern',
    ]);
  });

  it('counts a length in characters, a surrogate pair (an emoji) as one, as AWS does', () => {
    expect([codePoints(''), codePoints('abc'), codePoints('a😀b'), codePoints('😀😀'), codePoints('\ud800x')]).toEqual([
      0, 3, 3, 2, 2,
    ]);
    // SSM parameter names allow 2,048 characters: 2,048 emoji are 4,096 UTF-16 units and still fit.
    expect(rules(check('SSM', 'GetParameter', { Name: '😀'.repeat(2048) }))).not.toContain('Name length');
    expect(rules(check('SSM', 'GetParameter', { Name: '😀'.repeat(2049) }))).toContain('Name length');
  });

  it('checks a response for members, types and enum values', () => {
    const problems = check(
      'imagebuilder',
      'GetImage',
      { image: { arn: IMAGE, type: 'CONTAINER', dateCreated: 7, amis: [] } },
      'response',
    );
    expect(rules(problems)).toEqual(['image.type enum', 'image.dateCreated type', 'image.amis member']);
  });

  it('works for any service with a model: RAM, ECR, KMS and Inspector', () => {
    expect(rules(check('RAM', 'CreateResourceShare', { allowExternalPrincipals: false }))).toEqual(['name required']);
    expect(rules(check('ECR', 'SetRepositoryPolicy', { repositoryName: 'golden/app' }))).toEqual([
      'policyText required',
    ]);
    expect(rules(check('KMS', 'DescribeKey', { KeyId: '' }))).toEqual(['KeyId length']);
    expect(rules(check('Inspector2', 'ListFindings', { maxResults: 500 }))).toEqual(['maxResults range']);
  });

  it("names a map's key as {key} and its value as .key, and a list item by its index, inside the member path", () => {
    const problems = check('imagebuilder', 'TagResource', {
      resourceArn: IMAGE,
      tags: { '': 'empty key', long: 'v'.repeat(257) },
    });
    expect(rules(problems)).toEqual(['tags{} length', 'tags{} pattern', 'tags.long length']);
    const nested = check('EC2', 'ModifyImageAttribute', {
      ImageId: 'ami-1',
      LaunchPermission: { Add: [{ Group: 'all' }, { UserId: 7 }], Remove: [{ Gruop: 'all' }] },
    });
    expect(rules(nested)).toEqual(['LaunchPermission.Add[1].UserId type', 'LaunchPermission.Remove[0].Gruop member']);
  });

  it('accepts members newer than the published model when the SDK schema has them, and only then', () => {
    const models = modelsFor('Organizations')!;
    const sdk = NormalizedSchema.of(organizations.ListAccountsForParent$[5]) as unknown as SdkSchema;
    const account = { Id: '111122223333', Status: 'ACTIVE', State: 'ACTIVE' };
    const ok = checkAgainstModel(models, 'ListAccountsForParent', 'response', { Accounts: [account] }, sdk);
    expect(ok.problems).toEqual([]);
    expect(ok.newerThanModel).toBe(1);
    const bad = checkAgainstModel(models, 'ListAccountsForParent', 'response', { Accounts: [{ Stat: 'A' }] }, sdk);
    expect(rules(bad.problems)).toEqual(['Accounts[0].Stat member']);
  });
});

describe('the request check at the local cloud edge', () => {
  it('records every request and a violation with its operation, member path and rule', async () => {
    const { clientSettings } = installFakes({ clock: new VirtualClock('2027-01-01T00:00:00Z') });
    const client = new ImagebuilderClient({ region: 'us-east-1', ...clientSettings.overrides?.imagebuilder });
    clientSettings.decorate?.(client, 'imagebuilder', 'us-east-1');
    const before = modelCheckFigures().requests;
    await expect(client.send(new GetImageCommand({ imageBuildVersionArn: 'image/base' }))).rejects.toThrow();
    expect(modelCheckFigures().requests).toBe(before + 1);
    const found = withdrawViolations((v) => v.operation === 'GetImage');
    expect(found).toEqual([
      expect.objectContaining({
        service: 'imagebuilder',
        direction: 'request',
        path: 'imageBuildVersionArn',
        rule: 'pattern',
      }),
    ]);
  });
});
