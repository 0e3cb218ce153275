import { describe, expect, it } from 'vitest';
import { AWS_LIMITS, changeKeyProblem, INPUT_BOUNDS, utf8Bytes } from '../../../core/limits/input-bounds.js';
import { packageUpdateSchema } from '../../../events/package-update.js';
import { problemsAfter } from '../config/helpers.js';

const change = (id: string) => ({ time: '2027-03-02T10:00:00Z', id });

describe('input bounds', () => {
  it('the longest package change an event may carry fits every ledger key it is written under', () => {
    const name = 'p'.repeat(INPUT_BOUNDS.packageNameChars);
    const version = 'v'.repeat(INPUT_BOUNDS.packageVersionChars);
    const image = 'i'.repeat(63);
    expect(changeKeyProblem(change(`package:${name}@${version}`), [`package:${image}:${name}@${version}`])).toBe(
      undefined,
    );
  });

  it('counts bytes, not characters: a name within its character bound may still not fit', () => {
    const name = '𝔭'.repeat(INPUT_BOUNDS.packageNameChars);
    expect(utf8Bytes(name)).toBe(4 * INPUT_BOUNDS.packageNameChars);
    expect(changeKeyProblem(change(`package:${name}@1`), [`package:base:${name}@1`])).toMatch(
      /the intent key would be \d+ bytes, over DynamoDB's 1024/,
    );
  });

  it('refuses an over-long package in a "Package Update" at the door, naming the field and the bound', () => {
    const event = {
      version: '0',
      id: 'e-1',
      'detail-type': 'Package Update',
      source: 'goldsmith.ci',
      account: '111122223333',
      time: '2027-03-02T10:00:00Z',
      region: 'us-east-1',
      resources: [],
      detail: { package: 'p'.repeat(INPUT_BOUNDS.packageNameChars + 1), version: '1.0' },
    };
    const parsed = packageUpdateSchema.safeParse(event);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]).toMatchObject({
      path: ['detail', 'package'],
      message: `must be at most ${INPUT_BOUNDS.packageNameChars} characters`,
    });
  });

  it('keeps AWS limits as AWS documents them', () => {
    expect(AWS_LIMITS).toMatchObject({
      dynamodbPartitionKeyBytes: 2048,
      dynamodbSortKeyBytes: 1024,
      executionNameChars: 80,
      tagValueChars: 256,
      scheduleNameChars: 64,
      secretNameChars: 512,
      iamNameChars: 64,
    });
  });
});

describe('names a catalog writes into IAM', () => {
  it('refuses a wildcard secret name, naming the field', () => {
    const problems = problemsAfter((c) => {
      c.notifications = { ...c.notifications, slack: { secretName: 'goldsmith/*', channel: '#golden-images' } };
    });
    expect(problems).toEqual([expect.stringMatching(/^notifications\.slack\.secretName: must not contain "\*"/)]);
  });

  it('refuses a wildcard principal and names over IAM limits, naming the field', () => {
    const problems = problemsAfter((c) => {
      c.access = {
        operators: ['arn:aws:iam::123456789012:role/*'],
        approvers: { alice: [`arn:aws:iam::123456789012:role/${'r'.repeat(65)}`] },
      };
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^access\.operators\[0\]: must not contain "\*"/),
        expect.stringMatching(/^access\.approvers\.alice\[0\]: the name must be at most 64 characters/),
      ]),
    );
  });

  it('accepts the names IAM and Secrets Manager allow', () => {
    const problems = problemsAfter((c) => {
      c.notifications = { ...c.notifications, slack: { secretName: 'goldsmith/slack-app', channel: '#golden-images' } };
      c.access = { operators: ['arn:aws:iam::123456789012:role/platform/goldsmith-operators'] };
    });
    expect(problems).toEqual([]);
  });
});
