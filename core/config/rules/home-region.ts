import type { CatalogRule } from './types.js';

/**
 * Commercial Regions where Lambda function URLs are not supported
 * (https://docs.aws.amazon.com/lambda/latest/dg/urls-configuration.html, the note under the URL format).
 */
export const REGIONS_WITHOUT_FUNCTION_URLS: ReadonlySet<string> = new Set([
  'ap-east-2', // Asia Pacific (Taipei)
  'ap-south-2', // Asia Pacific (Hyderabad)
  'ap-southeast-4', // Asia Pacific (Melbourne)
  'ap-southeast-5', // Asia Pacific (Malaysia)
  'ap-southeast-6', // Asia Pacific (New Zealand)
  'ap-southeast-7', // Asia Pacific (Thailand)
  'ca-west-1', // Canada West (Calgary)
  'eu-central-2', // Europe (Zurich)
  'eu-south-2', // Europe (Spain)
  'il-central-1', // Israel (Tel Aviv)
  'me-central-1', // Middle East (UAE)
]);

/**
 * The operator endpoint and the approval callback are function URLs in the home Region (stacks/trust/operator.ts,
 * stacks/promotion/functions.ts): a home Region without function URLs would fail the deployment halfway, so the
 * catalog refuses it. Distribution Regions need no function URL and may be any Region.
 */
export const homeRegionServesFunctionUrls: CatalogRule = (catalog, report) => {
  const home = catalog.organization.homeRegion;
  if (REGIONS_WITHOUT_FUNCTION_URLS.has(home)) {
    report(
      ['organization', 'homeRegion'],
      `${home} has no Lambda function URLs, which Goldsmith's operator endpoint and approval callback are: choose a home Region that has them (images may still be distributed to ${home})`,
    );
  }
};
