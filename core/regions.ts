/**
 * AWS commercial Regions (the `aws` partition), as listed in the AWS SDK for JavaScript v3 endpoint partitions
 * (`@aws-sdk/core`, 2026-11). China, GovCloud, ISO and European Sovereign Cloud partitions are not included:
 * an organization lives in one partition and Goldsmith targets the commercial one.
 */
export const AWS_COMMERCIAL_REGIONS = [
  'af-south-1', // Africa (Cape Town)
  'ap-east-1', // Asia Pacific (Hong Kong)
  'ap-east-2', // Asia Pacific (Taipei)
  'ap-northeast-1', // Asia Pacific (Tokyo)
  'ap-northeast-2', // Asia Pacific (Seoul)
  'ap-northeast-3', // Asia Pacific (Osaka)
  'ap-south-1', // Asia Pacific (Mumbai)
  'ap-south-2', // Asia Pacific (Hyderabad)
  'ap-southeast-1', // Asia Pacific (Singapore)
  'ap-southeast-2', // Asia Pacific (Sydney)
  'ap-southeast-3', // Asia Pacific (Jakarta)
  'ap-southeast-4', // Asia Pacific (Melbourne)
  'ap-southeast-5', // Asia Pacific (Malaysia)
  'ap-southeast-6', // Asia Pacific (New Zealand)
  'ap-southeast-7', // Asia Pacific (Thailand)
  'ca-central-1', // Canada (Central)
  'ca-west-1', // Canada West (Calgary)
  'eu-central-1', // Europe (Frankfurt)
  'eu-central-2', // Europe (Zurich)
  'eu-north-1', // Europe (Stockholm)
  'eu-south-1', // Europe (Milan)
  'eu-south-2', // Europe (Spain)
  'eu-west-1', // Europe (Ireland)
  'eu-west-2', // Europe (London)
  'eu-west-3', // Europe (Paris)
  'il-central-1', // Israel (Tel Aviv)
  'me-central-1', // Middle East (UAE)
  'me-south-1', // Middle East (Bahrain)
  'me-west-1', // Middle East (Saudi Arabia)
  'mx-central-1', // Mexico (Central)
  'sa-east-1', // South America (Sao Paulo)
  'sa-west-1', // South America (Chile)
  'us-east-1', // US East (N. Virginia)
  'us-east-2', // US East (Ohio)
  'us-west-1', // US West (N. California)
  'us-west-2', // US West (Oregon)
] as const;

export type AwsCommercialRegion = (typeof AWS_COMMERCIAL_REGIONS)[number];

const known: ReadonlySet<string> = new Set(AWS_COMMERCIAL_REGIONS);

/** True when `code` is an AWS commercial Region code such as `eu-west-1`. */
export function isCommercialRegion(code: string): code is AwsCommercialRegion {
  return known.has(code);
}
