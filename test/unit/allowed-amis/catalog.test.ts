import { describe, expect, it } from 'vitest';
import { parseCatalog } from '../../../core/config/catalog.js';
import { exampleCatalog, exampleFiles, problemsAfter } from '../config/helpers.js';

describe('the allowedAmis catalog switch', () => {
  it('is off unless the catalog sets it, and the example catalog does not', () => {
    const parsed = parseCatalog(exampleCatalog(), exampleFiles());
    expect(parsed.ok && parsed.catalog.allowedAmis).toBe(undefined);
  });

  it('takes a mode alone and defaults the rest: no grace for deprecated AMIs, nothing else allowed', () => {
    const catalog = exampleCatalog();
    catalog.allowedAmis = { mode: 'audit-mode' };
    const parsed = parseCatalog(catalog, exampleFiles());
    expect(parsed.ok && parsed.catalog.allowedAmis).toEqual({
      mode: 'audit-mode',
      deprecatedGraceDays: 0,
      alsoAllow: [],
    });
  });

  it('refuses a mode EC2 does not take, naming the field', () => {
    expect(problemsAfter((c) => (c.allowedAmis = { mode: 'on' }))).toEqual([
      'allowedAmis.mode: must be "audit-mode" or "enabled"',
    ]);
  });

  it('refuses a channel the catalog does not have, listing the ones it has', () => {
    expect(problemsAfter((c) => (c.allowedAmis = { mode: 'enabled', channels: ['prod', 'prd'] }))).toEqual([
      'allowedAmis.channels[1]: unknown channel "prd" (the catalog has: dev, staging, prod)',
    ]);
  });

  it('refuses channels no AMI image goes through: such a policy would only block', () => {
    const problems = problemsAfter((c) => {
      c.images = { 'web-runtime': c.images['web-runtime'] };
      c.allowedAmis = { mode: 'enabled' };
    });
    expect(problems).toEqual([
      'allowedAmis: no AMI image goes through these channels: the criteria would allow no Goldsmith image, only block',
    ]);
  });

  it('names the channels field when the channels it lists carry no AMI image', () => {
    const problems = problemsAfter((c) => {
      c.images = { 'web-runtime': c.images['web-runtime'] };
      c.allowedAmis = { mode: 'enabled', channels: ['prod'] };
    });
    expect(problems).toEqual([
      'allowedAmis.channels: no AMI image goes through these channels: the criteria would allow no Goldsmith image, only block',
    ]);
  });

  it('says only that a channel is unknown when it is, not also that no image goes through the list', () => {
    const problems = problemsAfter((c) => {
      c.images = { 'web-runtime': c.images['web-runtime'] };
      c.allowedAmis = { mode: 'enabled', channels: ['prd'] };
    });
    expect(problems).toEqual(['allowedAmis.channels[0]: unknown channel "prd" (the catalog has: dev, staging, prod)']);
  });

  it('refuses providers EC2 does not know and an alsoAllow without providers, each at its field', () => {
    const problems = problemsAfter(
      (c) =>
        (c.allowedAmis = {
          mode: 'enabled',
          alsoAllow: [{ providers: ['amazon', 'aws_marketplace', '12345'] }, { providers: [], imageNames: ['x*'] }],
        }),
    );
    expect(problems).toEqual([
      'allowedAmis.alsoAllow[0].providers[1]: must be "amazon", "aws-marketplace", "aws-backup-vault" or a 12-digit account id',
      'allowedAmis.alsoAllow[0].providers[2]: must be "amazon", "aws-marketplace", "aws-backup-vault" or a 12-digit account id',
      'allowedAmis.alsoAllow[1].providers: must name at least one provider: names alone would allow any account’s AMI of that name',
    ]);
  });

  it("holds image names and product codes to EC2's rules", () => {
    const problems = problemsAfter(
      (c) =>
        (c.allowedAmis = {
          mode: 'enabled',
          alsoAllow: [
            {
              providers: ['amazon'],
              imageNames: ['al2023-ami-*', 'a?', 'bad#name'],
              marketplaceProductCodes: ['abc-1'],
            },
          ],
        }),
    );
    expect(problems).toEqual([
      'allowedAmis.alsoAllow[0].imageNames[1]: must be at least 3 characters when it has a "?"',
      "allowedAmis.alsoAllow[0].imageNames[2]: must be 1–128 letters, digits, spaces or ( ) [ ] . / - ' @ _ * ? (EC2's image name rules)",
      'allowedAmis.alsoAllow[0].marketplaceProductCodes[0]: must be 1–25 letters and digits',
    ]);
  });

  it("leaves room for Goldsmith's own criterion: at most 9 alsoAllow entries, 200 providers, 50 names", () => {
    const many = Array.from({ length: 10 }, () => ({ providers: ['amazon'] }));
    const providers = Array.from({ length: 201 }, (_, i) => String(100000000000 + i));
    const names = Array.from({ length: 51 }, (_, i) => `name-${i}-*`);
    expect(problemsAfter((c) => (c.allowedAmis = { mode: 'enabled', alsoAllow: many }))).toEqual([
      "allowedAmis.alsoAllow: must list at most 9 criteria: EC2 takes 10 and Goldsmith's own images take one",
    ]);
    expect(
      problemsAfter((c) => (c.allowedAmis = { mode: 'enabled', alsoAllow: [{ providers, imageNames: names }] })),
    ).toEqual([
      'allowedAmis.alsoAllow[0].providers: must list at most 200 items',
      'allowedAmis.alsoAllow[0].imageNames: must list at most 50 items',
    ]);
  });

  it('refuses a negative or fractional grace', () => {
    expect(problemsAfter((c) => (c.allowedAmis = { mode: 'enabled', deprecatedGraceDays: -1 }))).toEqual([
      'allowedAmis.deprecatedGraceDays: must be at least 0',
    ]);
    expect(problemsAfter((c) => (c.allowedAmis = { mode: 'enabled', deprecatedGraceDays: 1.5 }))).toHaveLength(1);
  });
});
