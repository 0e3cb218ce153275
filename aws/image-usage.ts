import {
  CreateImageUsageReportCommand,
  DescribeImageUsageReportsCommand,
  paginateDescribeImageUsageReportEntries,
} from '@aws-sdk/client-ec2';
import type { UsageEntry } from '../core/fleet/usage.js';
import { ec2Client } from './clients/ec2.js';

/**
 * EC2's image usage reports, asked for by the AMI's owner: asynchronous (`pending`, then `available` or `error`),
 * kept 30 days, entries per account and resource type
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateImageUsageReport.html,
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeImageUsageReports.html,
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeImageUsageReportEntries.html).
 */

const errorName = (err: unknown): string => (err instanceof Error ? err.name : '');

/**
 * Asks for a report on instances and launch templates in every sharing account. Launch templates are checked at
 * `version-depth` 1, their newest version only: a team that moved its template to a newer AMI keeps the old one in
 * its history, and at the default depth (20) that history would hold every old AMI "in use" for 20 moves.
 */
export async function requestUsageReport(region: string, imageId: string, clientToken: string): Promise<string> {
  const out = await ec2Client(region).send(
    new CreateImageUsageReportCommand({
      ImageId: imageId,
      ResourceTypes: [
        { ResourceType: 'ec2:Instance' },
        {
          ResourceType: 'ec2:LaunchTemplate',
          ResourceTypeOptions: [{ OptionName: 'version-depth', OptionValues: ['1'] }],
        },
      ],
      ClientToken: clientToken,
    }),
  );
  if (!out.ReportId) throw new Error(`CreateImageUsageReport returned no ReportId for ${imageId} in ${region}`);
  return out.ReportId;
}

export type ReportRead =
  | { state: 'pending' }
  | { state: 'available'; entries: UsageEntry[] }
  | { state: 'error' | 'gone'; reason: string };

/** Reads one report: its state, and its entries (every page) once available. */
export async function readUsageReport(region: string, reportId: string): Promise<ReportRead> {
  const ec2 = ec2Client(region);
  let state: string | undefined;
  let reason: string | undefined;
  try {
    const out = await ec2.send(new DescribeImageUsageReportsCommand({ ReportIds: [reportId] }));
    state = out.ImageUsageReports?.[0]?.State;
    reason = out.ImageUsageReports?.[0]?.StateReason;
  } catch (err) {
    if (errorName(err).startsWith('InvalidImageUsageReportId')) return { state: 'gone', reason: errorName(err) };
    throw err;
  }
  if (state === 'pending') return { state: 'pending' };
  if (state !== 'available') return { state: state === 'error' ? 'error' : 'gone', reason: reason ?? String(state) };
  const entries: UsageEntry[] = [];
  for await (const page of paginateDescribeImageUsageReportEntries({ client: ec2 }, { ReportIds: [reportId] })) {
    entries.push(...(page.ImageUsageReportEntries ?? []));
  }
  return { state: 'available', entries };
}
