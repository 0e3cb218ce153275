import { describe, expect, it } from 'vitest';
import { parseCatalog } from '../../../core/config/catalog.js';
import { exampleCatalog, exampleFiles, problemsAfter, problemsOf } from './helpers.js';

describe('parseCatalog on the example catalog', () => {
  it('accepts the example catalog and fills in defaults', () => {
    const result = parseCatalog(exampleCatalog(), exampleFiles());

    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.catalog.images.base?.kind).toBe('ami');
    expect(result.catalog.images['web-runtime']?.tests).toEqual([]);
    expect(result.catalog.channels[0]?.targets.exclude).toEqual({ ous: [], accounts: [] });
  });
});

describe('parseCatalog structure rules', () => {
  it('reports the root when the catalog is not an object', () => {
    expect(problemsOf(42)).toEqual(['catalog: must be an object, not a number']);
  });

  it('reports each missing top-level section by name', () => {
    expect(problemsOf({})).toEqual(['organization: is required', 'images: is required', 'channels: is required']);
  });

  it('names an unknown key at the top level and inside an image', () => {
    const problems = problemsAfter((c) => {
      c.extra = true;
      c.images.base.tset = [];
    });

    expect(problems).toContain('extra: unknown key');
    expect(problems).toContain('images.base.tset: unknown key');
  });

  it('rejects a malformed account id in targets', () => {
    const problems = problemsAfter((c) => {
      c.channels[2].targets.exclude.accounts = ['11112222333'];
    });

    expect(problems).toEqual(['channels[2].targets.exclude.accounts[0]: must be a 12-digit AWS account id']);
  });

  it('rejects a malformed OU id', () => {
    const problems = problemsAfter((c) => {
      c.channels[0].targets.ous = ['ou-dev'];
    });

    expect(problems).toEqual(['channels[0].targets.ous[0]: must be an OU id like "ou-ab12-cd34ef56"']);
  });

  it('rejects a duration without a unit', () => {
    expect(problemsAfter((c) => (c.channels[1].soak = '3 days'))).toEqual([
      'channels[1].soak: must be a duration like "30m", "12h", "3d" or "2w"',
    ]);
  });

  it('rejects an unknown region code in an image', () => {
    expect(problemsAfter((c) => c.images['web-runtime'].regions.push('us-east-7'))).toEqual([
      'images.web-runtime.regions[2]: unknown AWS Region "us-east-7"',
    ]);
  });

  it('rejects an unknown home region', () => {
    expect(problemsAfter((c) => (c.organization.homeRegion = 'eu-west-9'))).toEqual([
      'organization.homeRegion: unknown AWS Region "eu-west-9"',
    ]);
  });

  it('rejects an invalid image name', () => {
    const problems = problemsAfter((c) => {
      c.images.Web_Runtime = c.images['web-runtime'];
      delete c.images['web-runtime'];
    });

    expect(problems).toEqual([
      'images.Web_Runtime: invalid image name: must be lower-case letters, digits and dashes, starting with a letter',
    ]);
  });

  it('explains a parent that is neither a string form nor { image, channel }', () => {
    expect(problemsAfter((c) => (c.images.base.parent = 42))).toEqual([
      'images.base.parent: must be "ssm:/parameter/name", an AMI id, an Image Builder image ARN, "docker:repo:tag" or { image, channel }',
    ]);
  });

  it('points into the { image, channel } form when that is what the parent looks like', () => {
    expect(problemsAfter((c) => (c.images.app.parent = { image: 'hardened' }))).toEqual([
      'images.app.parent.channel: is required',
    ]);
  });

  it('rejects a component reference that mixes managed and file', () => {
    expect(problemsAfter((c) => (c.images.base.components[0] = { managed: 'update-linux', file: 'x.yml' }))).toEqual([
      'images.base.components[0]: must be { managed, version? } (an AWS-managed component) or { file, parameters? } (an AWSTOE document)',
    ]);
  });

  it('rejects an unknown schedule type', () => {
    expect(problemsAfter((c) => (c.images.base.schedule = { type: 'weekly' }))).toEqual([
      'images.base.schedule.type: must have type "monthly-patch" or "cron"',
    ]);
  });

  it('rejects an empty channels list on an image', () => {
    expect(problemsAfter((c) => (c.images.app.channels = []))).toEqual([
      'images.app.channels: must list at least one channel (leave it out for every channel)',
    ]);
  });

  it('reports structural and cross-field problems in one pass', () => {
    const problems = problemsAfter((c) => {
      c.channels[0].targets.ous = ['ou-dev'];
      c.images.app.parent.image = 'bse';
      c.surplus = 1;
    });

    expect(problems).toEqual([
      'channels[0].targets.ous[0]: must be an OU id like "ou-ab12-cd34ef56"',
      'surplus: unknown key',
      'images.app.parent.image: unknown image "bse" (did you mean "base"?)',
    ]);
  });
});

describe('parseCatalog retention.deprecateAfter', () => {
  it('refuses a deprecateAfter beyond the 10 years EC2 accepts, naming the field', () => {
    const problems = problemsAfter((c) => {
      c.images.base.retention.deprecateAfter = '3651d';
    });

    expect(problems).toEqual([
      'images.base.retention.deprecateAfter: must be at most 3650d: EC2 deprecates an AMI at most 10 years ahead',
    ]);
    const atLimit = problemsAfter((c) => {
      c.images.base.retention.deprecateAfter = '3650d';
    });
    expect(atLimit).toEqual([]);
  });

  it('refuses deprecateAfter on a container image, which has no AMI to deprecate', () => {
    const problems = problemsAfter((c) => {
      c.images['web-runtime'].retention.deprecateAfter = '90d';
    });

    expect(problems).toEqual([
      'images.web-runtime.retention.deprecateAfter: deprecates AMIs (EC2 EnableImageDeprecation); a container image has none',
    ]);
  });
});

describe('parseCatalog revocation', () => {
  it('defaults descendants to rebuild and refuses an unknown policy, naming the field', () => {
    const parsed = parseCatalog(exampleCatalog(), exampleFiles());
    expect(parsed.ok && parsed.catalog.images.base?.revocation).toEqual({ descendants: 'rebuild' });
    const problems = problemsAfter((c) => {
      c.images.base.revocation = { descendants: 'delete' };
    });

    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^images\.base\.revocation\.descendants: .*"rebuild".*"revoke"/);
  });
});
