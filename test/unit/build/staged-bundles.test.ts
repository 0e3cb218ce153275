import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUNDLE_MAX_BYTES, stagedBundles } from '../../../scripts/build/bundles.js';
import { testTempDir } from '../../helpers/temp-dir.js';

const fn = (handler: string, key: string) => ({
  Type: 'AWS::Lambda::Function',
  Properties: { Handler: handler, Code: { S3Key: `${key}.zip` } },
});

describe('the function bundles sst build stages', () => {
  it('measures each function by the asset its template names, and refuses one over 1 MB', () => {
    const dist = testTempDir('goldsmith-staged-');
    for (const [key, bytes] of [
      ['aaa', 1000],
      ['bbb', BUNDLE_MAX_BYTES + 1],
    ] as const) {
      mkdirSync(join(dist, `asset.${key}`, 'functions'), { recursive: true });
      writeFileSync(join(dist, `asset.${key}`, 'functions', 'x.mjs'), 'x'.repeat(bytes));
      writeFileSync(join(dist, `asset.${key}`, 'functions', 'x.mjs.map'), 'm'.repeat(5000));
    }
    const templates = new Map([
      [
        'Triggers',
        {
          Resources: {
            Small: fn('functions/start-builds.handler', 'aaa'),
            Big: fn('functions/reconcile.handler', 'bbb'),
            SstOwn: fn('index.handler', 'ccc'),
            Gone: fn('functions/health.handler', 'ddd'),
          },
        },
      ],
    ]);

    const { sizes, problems } = stagedBundles(dist, templates);

    expect(sizes).toEqual([
      { fn: 'functions/reconcile', bytes: BUNDLE_MAX_BYTES + 1 },
      { fn: 'functions/start-builds', bytes: 1000 },
    ]);
    expect(problems).toEqual([
      `bundle functions/reconcile.handler: ${BUNDLE_MAX_BYTES + 1} bytes, over ${BUNDLE_MAX_BYTES}`,
      `bundle Triggers/Gone: no staged code at ${join(dist, 'asset.ddd')}`,
    ]);
  });
});
