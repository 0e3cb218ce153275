import { imageChannels } from '../config/lineage.js';
import type { Catalog } from '../config/schema.js';
import {
  type AllowedAmisSpec,
  MAX_CRITERIA,
  MAX_NAMES_PER_CRITERION,
  MAX_PROVIDERS_PER_CRITERION,
} from '../config/schema-allowed-amis.js';
import { amiName, NAME_PREFIX } from '../names.js';

/**
 * The EC2 Allowed AMIs criteria a catalog's channels imply, in the shape of EC2's ImageCriterionRequest
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ImageCriterionRequest.html, the same members as
 * `ImageCriterionRequest` in @aws-sdk/client-ec2 3.1169.0). Within one criterion every field must match; an AMI is
 * allowed when any criterion matches. Criteria select by provider (owner account or alias), name pattern,
 * Marketplace product, creation age and deprecation age — never by AMI id. So Goldsmith's own criterion is: owned by
 * the factory account, named as Goldsmith names its AMIs (`goldsmith-<image>-<build date>`, core/names.ts), and
 * deprecated for at most `deprecatedGraceDays` days. Goldsmith deprecates a version's AMIs when it retires or
 * revokes it (functions/lifecycle/retention.ts, revoke.ts), which is what keeps those from launching. Pure.
 */

/** One criterion, as EC2's API takes it (`ReplaceImageCriteriaInAllowedImagesSettings`). */
export interface ImageCriterion {
  ImageProviders: string[];
  ImageNames?: string[];
  MarketplaceProductCodes?: string[];
  DeprecationTimeCondition?: { MaximumDaysSinceDeprecated: number };
}

export interface CriteriaPlan {
  /** Goldsmith's criteria first (one per 50 name patterns), then `alsoAllow`'s, in catalog order. */
  criteria: ImageCriterion[];
  /** How many of `criteria` are Goldsmith's own. */
  own: number;
  /** The AMI images the criteria allow (those going through a selected channel). */
  images: string[];
  /** Per-image patterns would not fit in EC2's 10 criteria: one `goldsmith-*` pattern stands for them all. */
  namesCollapsed: boolean;
}

/** The channels whose targets the policy is for: those the switch names, else every channel. */
export function selectedChannels(catalog: Catalog, spec: AllowedAmisSpec): string[] {
  return spec.channels ?? catalog.channels.map((c) => c.name);
}

/** The AMI images going through at least one of `channels`, in catalog order. */
export function imagesFor(catalog: Catalog, channels: readonly string[]): string[] {
  return Object.entries(catalog.images)
    .filter(([name, image]) => image.kind === 'ami' && imageChannels(catalog, name).some((c) => channels.includes(c)))
    .map(([name]) => name);
}

/** The name pattern matching every AMI of an image: its AMI name with the build date as `*`. */
export function amiNamePattern(image: string): string {
  return amiName(image).replace(/\{\{[^}]*\}\}/g, '*');
}

/** The single pattern used when per-image patterns would not fit: every AMI name Goldsmith gives. */
export const ALL_GOLDSMITH_AMIS = `${NAME_PREFIX}-*`;

function chunks<T>(values: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < values.length; i += size) out.push(values.slice(i, i + size));
  return out;
}

/**
 * The criteria for `factoryAccounts` (the accounts that own Goldsmith's AMIs; one, as a rule). Per-image name
 * patterns when they fit in the criteria `alsoAllow` leaves (50 names a criterion); otherwise one prefix pattern.
 * @throws Error when there is no factory account or more than EC2's 200 providers in one criterion.
 */
export function allowedImageCriteria(catalog: Catalog, spec: AllowedAmisSpec, factoryAccounts: readonly string[]) {
  const providers = [...new Set(factoryAccounts)].sort();
  if (providers.length === 0) throw new Error('no factory account: the AMIs’ owner is not known');
  if (providers.length > MAX_PROVIDERS_PER_CRITERION) {
    throw new Error(`${providers.length} factory accounts: EC2 takes at most ${MAX_PROVIDERS_PER_CRITERION}`);
  }
  const images = imagesFor(catalog, selectedChannels(catalog, spec));
  const patterns = [...new Set(images.map(amiNamePattern))];
  const room = MAX_CRITERIA - spec.alsoAllow.length;
  const perImage = chunks(patterns, MAX_NAMES_PER_CRITERION);
  const namesCollapsed = perImage.length > room;
  const nameSets = namesCollapsed ? [[ALL_GOLDSMITH_AMIS]] : perImage;
  const condition = { MaximumDaysSinceDeprecated: spec.deprecatedGraceDays };
  const own: ImageCriterion[] = nameSets.map((names) => ({
    ImageProviders: [...providers],
    ImageNames: names,
    DeprecationTimeCondition: { ...condition },
  }));
  const others: ImageCriterion[] = spec.alsoAllow.map((a) => ({
    ImageProviders: [...a.providers],
    ...(a.imageNames ? { ImageNames: [...a.imageNames] } : {}),
    ...(a.marketplaceProductCodes ? { MarketplaceProductCodes: [...a.marketplaceProductCodes] } : {}),
  }));
  return { criteria: [...own, ...others], own: own.length, images, namesCollapsed } satisfies CriteriaPlan;
}

/** The account id in an Image Builder ARN (`arn:aws:imagebuilder:<region>:<account>:image/…`), if it is one. */
export function accountOfArn(arn: string): string | undefined {
  const account = arn.split(':')[4];
  return account && /^\d{12}$/.test(account) ? account : undefined;
}
