import { describe, expect, it } from 'vitest';
import { problemsAfter } from './helpers.js';

describe('parseCatalog reports every problem at once', () => {
  it('reports a value outside its choices together with the cross-field problems elsewhere', () => {
    const problems = problemsAfter((c) => {
      c.channels[1].vulnerabilities.revokeOn = ['crtical'];
      c.images.app.parent.image = 'hardend';
      c.images.hardened.regions = ['us-east-1', 'eu-central-1'];
    });

    expect(problems).toEqual([
      'channels[1].vulnerabilities.revokeOn[0]: must be "critical" or "high" or "medium"',
      'images.app.parent.image: unknown image "hardend" (did you mean "hardened"?)',
      `images.hardened.regions[1]: region "eu-central-1" is not among parent image "base"'s regions (us-east-1, eu-west-1, ap-southeast-2); the parent's channel pointer is read from SSM in each region`,
    ]);
  });

  it('reports a value of the wrong type with every cross-field problem that does not read it', () => {
    const problems = problemsAfter((c) => {
      c.channels[2].approval.approvers = 'ghost';
      c.monitoring = { logRetentionDays: 'forever' };
      c.channels.push({ name: 'dev', targets: { accounts: ['123456789012'] } });
    });

    expect(problems).toEqual([
      'channels[2].approval.approvers: must be an array, not a string',
      "monitoring.logRetentionDays: must be one of CloudWatch Logs' retention periods: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653",
      'channels[3].name: duplicate channel "dev" (also channels[0])',
    ]);
  });

  it('judges the fields of an image whose name is invalid, and the name check runs beside a failed field', () => {
    const problems = problemsAfter((c) => {
      c.images.App = { ...structuredClone(c.images.app), parent: { image: 'hardend', channel: 'staging' } };
      c.images.app.retention.keep = 'three';
    });

    expect(problems).toEqual([
      'images.app.retention.keep: must be a number, not a string',
      'images.App: invalid image name: must be lower-case letters, digits and dashes, starting with a letter',
      'images.App.parent.image: unknown image "hardend" (did you mean "hardened"?)',
    ]);
  });

  it('skips a cross-field check whose field failed its own check, rather than judging a value it cannot trust', () => {
    const problems = problemsAfter((c) => {
      c.images.app.parent = { image: 'hardened', channel: 7 };
    });

    expect(problems).toEqual(['images.app.parent.channel: must be a string, not a number']);
  });

  it('reports an unknown parent image beside a channel whose name failed its own check', () => {
    const problems = problemsAfter((c) => {
      c.channels[0].name = 'Dev';
      c.images.app.parent.image = 'hardend';
    });

    expect(problems).toEqual([
      'channels[0].name: must be lower-case letters, digits and dashes, starting with a letter',
      'images.app.parent.image: unknown image "hardend" (did you mean "hardened"?)',
    ]);
  });

  it("judges each image on its own fields: one image's bad channels or regions hide no other image's problem", () => {
    const problems = problemsAfter((c) => {
      c.images.base.channels = 'dev';
      c.images.app.parent.image = 'hardend';
      c.images.app.channels = ['dev', 'qa'];
      c.images.hardened.regions = ['us-east-1', 'eu-central-1'];
      c.channels[0].targets = 'everyone';
      c.channels[1].targets = { accounts: [] };
    });

    expect(problems).toEqual([
      'images.base.channels: must be an array, not a string',
      'channels[0].targets: must be an object, not a string',
      'images.app.parent.image: unknown image "hardend" (did you mean "hardened"?)',
      `images.hardened.regions[1]: region "eu-central-1" is not among parent image "base"'s regions (us-east-1, eu-west-1, ap-southeast-2); the parent's channel pointer is read from SSM in each region`,
      'images.app.channels[1]: unknown channel "qa" (known: dev, staging, prod)',
      'channels[1].targets: must name the organization, or at least one OU, account or account tag',
    ]);
  });
});
