import { describe, expect, it } from 'vitest';
import {
  evaluateLimits,
  formatFigure,
  type LimitFigure,
  limitProblem,
  type Measurement,
} from '../../../core/limits/report.js';

const resources = (subject: string, value: number, images?: string[]): Measurement => ({
  limit: 'cfnResources',
  subject,
  value,
  field: 'images',
  ...(images && { images }),
});

describe('limitProblem', () => {
  it('names the field, the figure, the limit, and up to five images', () => {
    expect(limitProblem(resources('stack Factory', 1_501, ['a', 'b', 'c', 'd', 'e']))).toBe(
      'images: stack Factory would be 1,501 resources, over the CloudFormation resources per stack limit of 500 (images: a, b, c, d, e)',
    );
    expect(limitProblem(resources('stack Factory', 501, ['a', 'b', 'c', 'd', 'e', 'f', 'g']))).toBe(
      'images: stack Factory would be 501 resources, over the CloudFormation resources per stack limit of 500 (images: a, b, c, d, e, and 2 more)',
    );
    expect(limitProblem(resources('stack Factory', 501, []))).toBe(
      'images: stack Factory would be 501 resources, over the CloudFormation resources per stack limit of 500',
    );
  });

  it('says how to raise an adjustable quota', () => {
    expect(
      limitProblem({ limit: 'iamManagedPoliciesPerRole', subject: 'role R (Factory)', value: 11, field: 'catalog' }),
    ).toBe(
      'catalog: role R (Factory) would be 11 policies, over the IAM managed policies per role limit of 10; adjustable: request an increase through Service Quotas first',
    );
  });
});

describe('evaluateLimits', () => {
  it('keeps the largest measurement of each limit as its tightest, the first of equals, with the headroom left', () => {
    const report = evaluateLimits([resources('stack A', 10), resources('stack B', 40), resources('stack C', 40)]);
    const figure = report.figures.find((f) => f.id === 'cfnResources');

    expect(figure).toEqual({
      id: 'cfnResources',
      name: 'CloudFormation resources per stack',
      max: 500,
      unit: 'resources',
      measured: 3,
      tightest: resources('stack B', 40),
      headroom: 460,
    });
    expect(evaluateLimits([resources('stack A', 40), resources('stack B', 10)]).figures[0]?.tightest?.subject).toBe(
      'stack A',
    );
    expect(report.figures.find((f) => f.id === 'cfnOutputs')).toEqual({
      id: 'cfnOutputs',
      name: 'CloudFormation outputs per stack',
      max: 200,
      unit: 'outputs',
      measured: 0,
    });
  });

  it('is ok at the limit, and not one over it, with one problem per measurement over', () => {
    expect(evaluateLimits([resources('stack A', 500)])).toMatchObject({ ok: true, problems: [] });
    const over = evaluateLimits([resources('stack A', 501), resources('stack B', 502), resources('stack C', 500)]);
    expect(over.ok).toBe(false);
    expect(over.problems).toHaveLength(2);
  });
});

describe('formatFigure', () => {
  const figure = (value: number): LimitFigure => ({
    id: 'cfnResources',
    name: 'CloudFormation resources per stack',
    max: 500,
    unit: 'resources',
    measured: 1,
    tightest: resources('stack Promotion', value),
    headroom: 500 - value,
  });

  it('gives the tightest figure with what is left to spare, in whole percent rounded down', () => {
    expect(formatFigure(figure(58))).toBe(
      'CloudFormation resources per stack: 58 of 500 resources (largest: stack Promotion; 442 to spare, 88%)',
    );
    expect(formatFigure(figure(500))).toBe(
      'CloudFormation resources per stack: 500 of 500 resources (largest: stack Promotion; 0 to spare, 0%)',
    );
  });

  it('says OVER past the limit, and nothing subject to it without a measurement', () => {
    expect(formatFigure(figure(1_501))).toBe(
      'CloudFormation resources per stack: 1,501 of 500 resources (largest: stack Promotion; OVER)',
    );
    expect(
      formatFigure({
        id: 'cfnOutputs',
        name: 'CloudFormation outputs per stack',
        max: 200,
        unit: 'outputs',
        measured: 0,
      }),
    ).toBe('CloudFormation outputs per stack: nothing subject to it');
  });
});
