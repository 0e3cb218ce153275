import { describe, expect, it } from 'vitest';
import { problemsAfter } from './helpers.js';

describe('parseCatalog channel rules', () => {
  it('rejects a duplicate channel name, pointing at the first one', () => {
    expect(problemsAfter((c) => c.channels.push({ name: 'dev', targets: { accounts: ['123456789012'] } }))).toEqual([
      'channels[3].name: duplicate channel "dev" (also channels[0])',
    ]);
  });

  it('rejects a channel with no OU, account or tag', () => {
    expect(problemsAfter((c) => (c.channels[0].targets = { exclude: { accounts: ['123456789012'] } }))).toEqual([
      'channels[0].targets: must name the organization, or at least one OU, account or account tag',
    ]);
  });

  it('rejects exclusions that remove every listed target', () => {
    const problems = problemsAfter((c) => {
      c.channels[2].targets = {
        ous: ['ou-x1y2-prd00001'],
        accounts: ['123456789012'],
        exclude: { ous: ['ou-x1y2-prd00001'], accounts: ['123456789012'] },
      };
    });

    expect(problems).toEqual([
      'channels[2].targets.exclude: excludes every OU and account the channel targets: nobody could use its images',
    ]);
  });

  it('allows exclusions when an account tag still selects accounts', () => {
    const problems = problemsAfter((c) => {
      c.channels[2].targets = {
        ous: ['ou-x1y2-prd00001'],
        accountTags: { env: 'prod' },
        exclude: { ous: ['ou-x1y2-prd00001'] },
      };
    });

    expect(problems).toEqual([]);
  });

  it("rejects an approval timeout over Step Functions' one-year limit", () => {
    const problems = problemsAfter((c) => {
      for (const channel of c.channels) delete channel.soak;
      c.channels[2].approval.timeout = '53w';
    });

    expect(problems).toEqual([
      "channels[2].approval.timeout: 53w exceeds Step Functions' one-year maximum execution time (365d)",
    ]);
  });

  it('accepts an approval timeout of exactly one year', () => {
    const problems = problemsAfter((c) => {
      for (const channel of c.channels) delete channel.soak;
      c.channels[2].approval.timeout = '365d';
    });

    expect(problems).toEqual([]);
  });

  it('rejects a zero approval timeout', () => {
    expect(problemsAfter((c) => (c.channels[2].approval.timeout = '0h'))).toEqual([
      'channels[2].approval.timeout: must be longer than zero',
    ]);
  });

  it('rejects soaks and approvals that together outlast one execution', () => {
    const problems = problemsAfter((c) => {
      c.channels[0].soak = '30w';
      c.channels[1].soak = '30w';
    });

    expect(problems).toEqual([
      "channels: soaks and approval timeouts add up to 423d, over Step Functions' one-year maximum execution time for one promotion",
    ]);
  });
});

describe('parseCatalog image kind rules', () => {
  it('requires a repository on a container image', () => {
    expect(problemsAfter((c) => delete c.images['web-runtime'].repository)).toEqual([
      'images.web-runtime.repository: is required for container images (the ECR repository to push to)',
    ]);
  });

  it('rejects an SSM parameter as a container parent', () => {
    expect(problemsAfter((c) => (c.images['web-runtime'].parent = 'ssm:/aws/service/x'))).toEqual([
      'images.web-runtime.parent: a container image is built from "docker:repo:tag", an Image Builder container image ARN or a catalog container image',
    ]);
  });

  it('rejects a repository on an AMI image', () => {
    expect(problemsAfter((c) => (c.images.base.repository = 'golden/base'))).toEqual([
      'images.base.repository: only container images have a repository (set kind: "container")',
    ]);
  });

  it('rejects a docker: parent on an AMI image', () => {
    expect(problemsAfter((c) => (c.images.base.parent = 'docker:amazonlinux:2023'))).toEqual([
      'images.base.parent: an AMI image cannot be built from a "docker:" image (set kind: "container")',
    ]);
  });

  it('rejects an AMI image built on a catalog container image, and the reverse', () => {
    const problems = problemsAfter((c) => {
      c.images.app.parent = { image: 'web-runtime', channel: 'staging' };
      c.images.app.regions = ['us-east-1'];
      c.images['web-runtime'].parent = { image: 'base', channel: 'staging' };
      c.images['web-runtime'].regions = ['us-east-1'];
    });

    expect(problems).toContain(
      'images.app.parent.image: "web-runtime" is a container image; an AMI image needs an AMI parent',
    );
    expect(problems).toContain(
      'images.web-runtime.parent.image: "base" is an AMI image; a container image needs a container parent',
    );
  });
});
