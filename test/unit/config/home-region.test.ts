import { describe, expect, it } from 'vitest';
import { REGIONS_WITHOUT_FUNCTION_URLS } from '../../../core/config/rules/home-region.js';
import { isCommercialRegion } from '../../../core/regions.js';
import { problemsAfter } from './helpers.js';

describe('organization.homeRegion: Lambda function URLs', () => {
  it('refuses a home Region without function URLs, naming the field and why', () => {
    const problems = problemsAfter((c) => (c.organization.homeRegion = 'eu-central-2'));
    expect(problems).toContainEqual(
      expect.stringMatching(/^organization\.homeRegion: eu-central-2 has no Lambda function URLs/),
    );
    expect(problems.join('\n')).toMatch(/operator endpoint and approval callback/);
  });

  it('takes a home Region with function URLs', () => {
    expect(problemsAfter((c) => (c.organization.homeRegion = 'eu-west-1'))).toEqual([]);
  });

  it('lists only commercial Regions the catalog otherwise accepts', () => {
    for (const region of REGIONS_WITHOUT_FUNCTION_URLS) expect(isCommercialRegion(region), region).toBe(true);
  });
});
