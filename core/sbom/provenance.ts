import { GOLDSMITH_VERSION } from '../release/index.js';
import { AWS_SUPPLIER } from './distribution.js';
import type { ImageContent } from './model.js';

/**
 * Who made what an SBOM lists, and who wrote the SBOM: NTIA's minimum elements "supplier name" of each component and
 * "author of SBOM data", with the tool and its version
 * (https://www.ntia.gov/files/ntia/publications/sbom_minimum_elements_report.pdf). Only what the content shows:
 * an element whose supplier it does not show has none (SPDX `NOASSERTION`, no CycloneDX `supplier`). Pure.
 */

/** The tool that writes the documents, and its release (core/release). */
export const SBOM_TOOL = { name: 'goldsmith', version: GOLDSMITH_VERSION } as const;

/** The owner field of an ARN (`aws`, an account id, `third-party`), or undefined when `arn` is not one. */
function arnOwner(arn: string): string | undefined {
  const parts = arn.split(':');
  return parts[0] === 'arn' && parts.length >= 6 ? parts[4] : undefined;
}

/** An owner as an organization: AWS for `aws`, the account for an account id, else unknown. */
function ownerOrganization(owner: string | undefined): string | undefined {
  if (owner === 'aws') return AWS_SUPPLIER;
  return owner && /^\d{12}$/.test(owner) ? `AWS account ${owner}` : undefined;
}

/**
 * The author of the documents: the account whose Goldsmith built the image and wrote them (the build version ARN's
 * owner), e.g. `AWS account 123456789012`.
 */
export function sbomAuthor(content: Pick<ImageContent, 'buildVersionArn'>): string {
  return ownerOrganization(arnOwner(content.buildVersionArn)) ?? 'unknown account';
}

/** Who supplies a recipe component: its ARN's owner (AWS for an Amazon-managed component, else the account). */
export function componentSupplier(arn: string): string | undefined {
  return ownerOrganization(arnOwner(arn));
}

/**
 * Who supplies the parent image: the account that built it for a catalog parent (Goldsmith's own build), AWS for an
 * Amazon-managed Image Builder image or a public AWS parameter (`ssm:/aws/service/…`), the owner of another Image
 * Builder image; unknown for a bare AMI id or a registry image.
 */
export function parentSupplier(
  content: Pick<ImageContent, 'parent' | 'parentBuild' | 'buildVersionArn'>,
): string | undefined {
  if (content.parentBuild) return sbomAuthor(content);
  if (content.parent.startsWith('ssm:/aws/service/')) return AWS_SUPPLIER;
  if (content.parent.startsWith('arn:')) return ownerOrganization(arnOwner(content.parent));
  return undefined;
}

/**
 * What the parent is called in the documents and the diff: the parent build (`base 1.0.0/4 (ami-…)`) when the content
 * records it, else the recipe's parent (an AMI id, a parameter, an image ARN).
 */
export function parentName(content: Pick<ImageContent, 'parent' | 'parentBuild'>): string {
  const b = content.parentBuild;
  if (!b?.version) return content.parent;
  return `${b.image} ${b.version}${b.ami ? ` (${b.ami})` : ''}`;
}
