import { describe, expect, it } from 'vitest';
import { simulate } from '../../local/simulator/index.js';
import { al2023Image, devChannel, orgCatalog, prodChannel, REPO_ROOT, scenarioBetween } from './helpers.js';

/**
 * A channel's pointer is withdrawn (its only version revoked: nothing earlier to roll back to), and the next build
 * is published to the same channel: the pointer parameter, deleted and taken out of the channel's RAM share by the
 * withdrawal, is created again and added back to the share. RAM answers a repeated client token with the first
 * call's result, so adding it back must not reuse the first association's token.
 */
describe('a channel published again after its pointer was withdrawn', () => {
  it('promotes the next build into it, readable by the channel’s accounts', async () => {
    // tools is published first and creates each channel's share; base's pointers are then added to it.
    const catalog = orgCatalog(
      {
        tools: al2023Image({ regions: ['us-east-1', 'eu-west-1'], triggers: { baseImage: true, packages: [] } }),
        base: al2023Image({
          regions: ['us-east-1', 'eu-west-1'],
          triggers: { baseImage: false, packages: ['openssl'] },
        }),
      },
      [devChannel({ soak: '1h' }), prodChannel({ soak: '1h' })],
    );
    const parameter = '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64';
    const result = await simulate(
      catalog,
      scenarioBetween('2027-01-01T00:00:00Z', '2027-01-04T00:00:00Z', {
        events: [
          { at: '2027-01-01T01:00:00Z', kind: 'base-image-release', parameter },
          { at: '2027-01-01T06:00:00Z', kind: 'package-release', package: 'openssl', version: '3.0.17' },
          { at: '2027-01-02T00:00:00Z', kind: 'revoke', image: 'base', version: '1.0.0/1', reason: 'CVE-2027-0001' },
          { at: '2027-01-02T01:00:00Z', kind: 'build', image: 'base', reason: 'the fixed build' },
        ],
      }),
      REPO_ROOT,
    );

    expect(result.report.consistency.problems).toEqual([]);
    const outcomes = result.report.promotions
      .filter((p) => p.image === 'base')
      .map((p) => [p.version, p.channel, p.outcome]);
    expect(outcomes).toEqual([
      ['1.0.0/1', 'dev', 'promoted'],
      ['1.0.0/1', 'prod', 'promoted'],
      ['1.0.0/2', 'dev', 'promoted'],
      ['1.0.0/2', 'prod', 'promoted'],
    ]);
    // Both channels name the new build's AMIs in both Regions; the consistency audit above checks every target
    // account can read them through the channel's RAM share.
    expect(Object.keys(result.report.pointers['base/dev'] ?? {})).toEqual(['us-east-1', 'eu-west-1']);
    expect(result.report.pointers['base/dev']).toEqual(result.report.pointers['base/prod']);
  }, 180_000);
});
