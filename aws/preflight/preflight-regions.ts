import { GetImageBlockPublicAccessStateCommand } from '@aws-sdk/client-ec2';
import { BatchGetAccountStatusCommand } from '@aws-sdk/client-inspector2';
import type { Catalog } from '../../core/config/schema.js';
import { ec2Client } from '../clients/ec2.js';
import { inspector2Client } from '../clients/inspector2.js';
import type { PreflightCheck } from './preflight-check.js';
import { said } from './preflight-errors.js';

/**
 * `goldsmith preflight`'s per-Region reads in the factory account: Inspector's activation and EC2's block public
 * access for AMIs, in every Region they are needed, one call per Region, all Regions at once.
 */

/** Every Region an image is distributed to, and the home Region; the AMI images' Regions alone. */
export function distributionRegions(catalog: Catalog): { all: string[]; ami: string[] } {
  const images = Object.values(catalog.images);
  const ami = new Set(images.filter((i) => i.kind === 'ami').flatMap((i) => i.regions));
  const all = new Set([catalog.organization.homeRegion, ...images.flatMap((i) => i.regions)]);
  return { all: [...all].sort(), ami: [...ami].sort() };
}

type Resource = 'ec2' | 'ecr';

/**
 * Inspector: EC2 scanning in every distribution Region (the finding rule hears every Region, and Image Builder's
 * test-instance scan needs Inspector activated: https://docs.aws.amazon.com/imagebuilder/latest/userguide/integ-inspector.html),
 * and ECR scanning in the home Region when the catalog has container images. BatchGetAccountStatus per Region
 * (https://docs.aws.amazon.com/inspector/v2/APIReference/API_BatchGetAccountStatus.html) gives each resource type's
 * status (https://docs.aws.amazon.com/inspector/v2/APIReference/API_ResourceState.html).
 */
export async function inspectorCheck(catalog: Catalog, account: string): Promise<PreflightCheck> {
  const name = 'Inspector';
  const home = catalog.organization.homeRegion;
  const containers = Object.values(catalog.images).some((i) => i.kind === 'container');
  const wanted = distributionRegions(catalog).all.map((region) => ({
    region,
    needed: ['ec2', ...(containers && region === home ? ['ecr'] : [])] as Resource[],
  }));
  const read = await Promise.all(
    wanted.map(async ({ region, needed }) => {
      try {
        const out = await inspector2Client(region).send(new BatchGetAccountStatusCommand({ accountIds: [account] }));
        const state = out.accounts?.find((a) => a.accountId === account)?.resourceState;
        return { region, needed, off: needed.filter((r) => state?.[r]?.status !== 'ENABLED') };
      } catch (error) {
        return { region, needed, error: said(error) };
      }
    }),
  );
  const off = read.filter((r) => (r.off?.length ?? 0) > 0);
  const unread = read.filter((r) => r.error !== undefined);
  if (off.length > 0) {
    const fixes = off.map(
      (r) =>
        `\`aws inspector2 enable --resource-types ${(r.off ?? []).map((x) => x.toUpperCase()).join(' ')} --region ${r.region}\``,
    );
    return {
      name,
      status: 'missing',
      detail: `not scanning ${off.map((r) => `${(r.off ?? []).join(' and ').toUpperCase()} in ${r.region}`).join(', ')}: run ${fixes.join(', ')}`,
    };
  }
  if (unread.length > 0)
    return {
      name,
      status: 'not checked',
      detail: unread.map((r) => `${r.region}: ${r.error}`).join('; '),
    };
  const ecr = containers ? ` and ECR in ${home}` : '';
  return { name, status: 'ok', detail: `scanning EC2 in ${wanted.map((w) => w.region).join(', ')}${ecr}` };
}

/**
 * EC2 image block public access in every Region an AMI image is distributed to (docs/security.md): read with
 * GetImageBlockPublicAccessState (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_GetImageBlockPublicAccessState.html),
 * `block-new-sharing` or `unblocked`.
 */
export async function imageBlockPublicAccessCheck(catalog: Catalog): Promise<PreflightCheck> {
  const name = 'EC2 image block public access';
  const regions = distributionRegions(catalog).ami;
  if (regions.length === 0) return { name, status: 'ok', detail: 'the catalog has no AMI image' };
  const read = await Promise.all(
    regions.map(async (region) => {
      try {
        const out = await ec2Client(region).send(new GetImageBlockPublicAccessStateCommand({}));
        return { region, state: out.ImageBlockPublicAccessState ?? 'unblocked' };
      } catch (error) {
        return { region, error: said(error) };
      }
    }),
  );
  const open = read.filter((r) => r.state !== undefined && r.state !== 'block-new-sharing');
  if (open.length > 0)
    return {
      name,
      status: 'missing',
      detail: `off in ${open.map((r) => r.region).join(', ')}: run ${open
        .map(
          (r) =>
            `\`aws ec2 enable-image-block-public-access --image-block-public-access-state block-new-sharing --region ${r.region}\``,
        )
        .join(', ')}`,
    };
  const unread = read.filter((r) => r.error !== undefined);
  if (unread.length > 0)
    return { name, status: 'not checked', detail: unread.map((r) => `${r.region}: ${r.error}`).join('; ') };
  return { name, status: 'ok', detail: `block-new-sharing in ${regions.join(', ')}` };
}
