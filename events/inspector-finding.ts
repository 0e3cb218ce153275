import * as z from 'zod';
import { bounded, EVENT_BOUNDS } from './bounds.js';
import { accountId, eventBridgeEvent } from './envelope.js';
import { DETAIL_TYPES, SOURCES } from './sources.js';

export const FINDING_SEVERITIES = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL', 'UNTRIAGED'] as const;

const findingResourceSchema = z.object({
  id: z.string().min(1),
  type: z.string().min(1),
  partition: z.string().optional(),
  region: z.string().optional(),
  // Only the AMI id matters to Goldsmith (to find which of our images a finding is about); the rest passes through.
  details: z.looseObject({ awsEc2Instance: z.looseObject({ imageId: z.string().optional() }).optional() }).optional(),
});

// Package names and versions go into fleet-finding records and announcements: bounded like a package update's.
const vulnerablePackageSchema = z.looseObject({
  name: bounded(EVENT_BOUNDS.packageNameChars),
  version: z.string().max(EVENT_BOUNDS.packageVersionChars),
  // Inspector splits an OS package's version: `version`, `release` and a numeric `epoch`
  // (https://docs.aws.amazon.com/inspector/v2/APIReference/API_VulnerablePackage.html).
  release: z.string().optional(),
  epoch: z.number().int().optional(),
  fixedInVersion: z.string().optional(),
  packageManager: z.string().optional(),
});

export const inspectorFindingDetailSchema = z.object({
  awsAccountId: accountId,
  findingArn: z.string().startsWith('arn:', 'must be an Inspector finding ARN').max(2048),
  severity: z.enum(FINDING_SEVERITIES),
  status: z.enum(['ACTIVE', 'SUPPRESSED', 'CLOSED']),
  type: z.enum(['PACKAGE_VULNERABILITY', 'NETWORK_REACHABILITY', 'CODE_VULNERABILITY']),
  title: z.string(),
  description: z.string().optional(),
  inspectorScore: z.number().optional(),
  fixAvailable: z.enum(['YES', 'NO', 'PARTIAL']).optional(),
  exploitAvailable: z.enum(['YES', 'NO']).optional(),
  // Inspector writes these as "Wed Sep 04 16:59:44.356 UTC 2024", not ISO 8601: keep them as text.
  firstObservedAt: z.string(),
  lastObservedAt: z.string(),
  updatedAt: z.string().optional(),
  packageVulnerabilityDetails: z
    .looseObject({
      vulnerabilityId: z.string().min(1),
      vulnerablePackages: z.array(vulnerablePackageSchema).optional(),
    })
    .optional(),
  resources: z.array(findingResourceSchema).min(1, 'must name at least one resource'),
});

/** Amazon Inspector's "Inspector2 Finding": created, updated or closed findings on instances, images, functions. */
export const inspectorFindingSchema = eventBridgeEvent(
  SOURCES.inspector,
  DETAIL_TYPES.inspectorFinding,
  inspectorFindingDetailSchema,
);

export type InspectorFindingEvent = z.infer<typeof inspectorFindingSchema>;
