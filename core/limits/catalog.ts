import type { ComponentFiles } from '../config/rules/types.js';
import type { Catalog } from '../config/schema.js';
import { planPromotion } from '../promotion/plan.js';
import type { PromotionInput } from '../promotion/types.js';
import type { OrgTree } from '../sharing/targets.js';
import { bytes } from './attribution.js';
import type { Measurement } from './report.js';
import { amiCountMeasurements, sharingMeasurements } from './sharing.js';

/**
 * The limits a catalog meets without synthesizing anything: Image Builder's per-recipe and per-document limits,
 * the size of a promotion's state in Step Functions (and so of each task's Lambda payload), and the channel
 * pointers Parameter Store holds. Cheap: `goldsmith validate` always runs these.
 */

/**
 * Room a promotion state keeps for what tasks add to it: a caught error (`$.failure`, whose cause Step Functions
 * caps at 32,768 characters: https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskFailure.html)
 * and the small results Gate, Soak, Share, Publish and Retire leave (counts and names, well under 4 KiB).
 */
export const STATE_ALLOWANCE_BYTES = 32_768 + 4_096;

/** The execution input of a promotion of `image`, with deploy-length ARNs and the longest build version. */
export function largestPromotionInput(catalog: Catalog, image: string): PromotionInput {
  const plan = planPromotion(catalog, image);
  const spec = catalog.images[image]!;
  const version = `${spec.version}/9999`;
  return {
    image,
    buildVersionArn: `arn:aws:imagebuilder:${catalog.organization.homeRegion}:123456789012:image/goldsmith-${image}/${version}`,
    version,
    plan,
  };
}

/** The largest a promotion's state can get: its input, LoadImage's AMIs per region, and the allowance above. */
export function promotionStateBytes(catalog: Catalog, image: string): number {
  const input = largestPromotionInput(catalog, image);
  const build = {
    status: 'AVAILABLE',
    testsEnabled: true,
    amis: input.plan.regions.map((region) => ({ region, imageId: 'ami-0123456789abcdef0' })),
  };
  return bytes(JSON.stringify({ ...input, build })) + STATE_ALLOWANCE_BYTES;
}

function recipeMeasurements(catalog: Catalog, files: ComponentFiles): Measurement[] {
  const out: Measurement[] = [];
  const measuredFiles = new Set<string>();
  for (const [image, spec] of Object.entries(catalog.images)) {
    out.push({
      limit: 'imageBuilderComponentsPerRecipe',
      subject: `recipe of ${image} (${spec.components.length} build + ${spec.tests.length} test components)`,
      value: spec.components.length + spec.tests.length,
      field: `images.${image}.components`,
      images: [image],
    });
    for (const stage of ['components', 'tests'] as const) {
      spec[stage].forEach((ref, i) => {
        if (!('file' in ref) || measuredFiles.has(ref.file)) return;
        measuredFiles.add(ref.file);
        const text = files.read(ref.file);
        if (text === undefined) return;
        out.push({
          limit: 'imageBuilderComponentChars',
          subject: `component document ${ref.file}`,
          value: text.length,
          field: `images.${image}.${stage}[${i}].file`,
          images: [image],
        });
      });
    }
  }
  return out;
}

function promotionMeasurements(catalog: Catalog): Measurement[] {
  return Object.keys(catalog.images).flatMap((image): Measurement[] => {
    const size = promotionStateBytes(catalog, image);
    const subject = `promotion state of ${image}`;
    // Channel targets (accounts listed one by one) are what grows a plan; regions come second.
    const common = { subject, value: size, field: 'channels', images: [image] };
    return [
      { limit: 'sfnStatePayloadBytes', ...common },
      { limit: 'lambdaSyncPayloadBytes', ...common, subject: `task input of ${image}'s promotion` },
    ];
  });
}

/** Channel pointers (`/goldsmith/<image>/<channel>`) each Region holds: one per image and channel it is built in. */
function pointerMeasurements(catalog: Catalog): Measurement[] {
  const perRegion = new Map<string, number>();
  for (const image of Object.keys(catalog.images)) {
    const plan = planPromotion(catalog, image);
    for (const region of plan.regions) perRegion.set(region, (perRegion.get(region) ?? 0) + plan.channels.length);
  }
  return [...perRegion].map(([region, count]) => ({
    limit: 'ssmAdvancedParameters' as const,
    subject: `channel pointers in ${region}`,
    value: count,
    field: 'images',
  }));
}

/**
 * Every catalog-level measurement. `files` reads component documents as the catalog rules do; `organization` (held,
 * described or read) resolves the channels' targets as Share does, for the AMI sharing quota.
 */
export function measureCatalog(catalog: Catalog, files: ComponentFiles, organization?: OrgTree): Measurement[] {
  return [
    ...recipeMeasurements(catalog, files),
    ...promotionMeasurements(catalog),
    ...pointerMeasurements(catalog),
    ...sharingMeasurements(catalog, organization),
    ...amiCountMeasurements(catalog),
  ];
}
