/**
 * The sources and detail-types Goldsmith receives and emits. Rules in the stacks and the schemas in this folder
 * both read these constants, so a pattern can't drift from the schema that parses what it routes.
 */

/** The `source` of Goldsmith's own facts on its bus ("Image Promoted", "Base Image Changed", ...). */
export const GOLDSMITH_SOURCE = 'goldsmith';

/**
 * The `source` of CI's input ("Package Update"): distinct from Goldsmith's own facts, so the bus policy can let CI
 * put this source, and only this one, while only Goldsmith's functions put `goldsmith`.
 */
export const CI_SOURCE = 'goldsmith.ci';

export const SOURCES = {
  imageBuilder: 'aws.imagebuilder',
  inspector: 'aws.inspector2',
  codeArtifact: 'aws.codeartifact',
  goldsmith: GOLDSMITH_SOURCE,
  ci: CI_SOURCE,
} as const;

export const DETAIL_TYPES = {
  imageStateChange: 'EC2 Image Builder Image State Change',
  imageCveDetected: 'EC2 Image Builder CVE Detected',
  imagePipelineAutoDisabled: 'EC2 Image Builder Image Pipeline Automatically Disabled',
  inspectorFinding: 'Inspector2 Finding',
  packageVersionStateChange: 'CodeArtifact Package Version State Change',
  packageUpdate: 'Package Update',
  imagePromoted: 'Image Promoted',
  baseImageChanged: 'Base Image Changed',
  imageRejected: 'Image Rejected',
  imageRevoked: 'Image Revoked',
  imageRebuildRequested: 'Image Rebuild Requested',
} as const;

/** The account that publishes the Amazon Linux AMI release topics (all in us-east-1). */
export const AMAZON_LINUX_TOPIC_OWNER = '137112412989';

/** AWS's Amazon Linux AMI release topics, keyed by the family they announce. */
export const AMAZON_LINUX_TOPICS = {
  al2023: `arn:aws:sns:us-east-1:${AMAZON_LINUX_TOPIC_OWNER}:amazon-linux-2023-ami-updates`,
  al2: `arn:aws:sns:us-east-1:${AMAZON_LINUX_TOPIC_OWNER}:amazon-linux-2-ami-updates`,
} as const;

export type AmazonLinuxFamily = keyof typeof AMAZON_LINUX_TOPICS;
