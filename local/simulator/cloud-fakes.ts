import { platformOf } from '../../core/config/platforms.js';
import type { Catalog } from '../../core/config/schema.js';
import { channelTagMutability } from '../../core/promotion/repository-guard.js';
import { containerRepositoryName, pipelineName } from '../../stacks/names.js';
import type { VirtualClock } from '../clock.js';
import { type InstalledFakes, installFakes } from '../fakes/install.js';
import { organizationFromCatalog } from '../fakes/organizations.js';
import type { Outages } from '../fakes/outages.js';
import { AL2023_PARAMETER } from '../fakes/ssm.js';
import { LOCAL_ACCOUNT } from './cloud-types.js';
import type { CfnTemplate, TemplateResolver } from './intrinsics.js';
import { distributionKeysOf, registerKeys } from './keys.js';
import type { Scenario } from './scenario.js';
import { namedBuckets, recipeOf } from './template-reads.js';
import type { Wiring } from './wiring.js';

/**
 * Installs the fakes behind the SDK clients as the synthesized stacks define them: the catalog's organization, an
 * Image Builder pipeline per image, the SNS topics the functions and Image Builder publish to, and the KMS keys.
 */
export function installCloudFakes(options: {
  catalog: Catalog;
  scenario: Scenario;
  templates: CfnTemplate[];
  resolver: TemplateResolver;
  wiring: Wiring;
  clock: VirtualClock;
  outages: Outages;
  region: string;
}): InstalledFakes {
  const { catalog, scenario, templates, resolver, wiring, clock, outages, region } = options;
  const topicArns = new Set<string>();
  for (const f of wiring.functions.values()) {
    for (const v of Object.values(f.environment)) if (v.startsWith('arn:aws:sns:')) topicArns.add(v);
  }
  const imageBuilderTopic = templates
    .flatMap((t) => Object.values(t.Resources ?? {}))
    .filter((r) => r.Type === 'AWS::ImageBuilder::InfrastructureConfiguration')
    .map((r) => resolver.resolve(r.Properties?.SnsTopicArn))
    .find((v): v is string => typeof v === 'string');
  if (imageBuilderTopic) topicArns.add(imageBuilderTopic);

  const installed = installFakes({
    clock,
    seed: scenario.seed,
    faults: { throttleRate: scenario.faults.throttleRate, errorRate: scenario.faults.errorRate, outages },
    accountId: LOCAL_ACCOUNT,
    defaultRegion: region,
    inspectorAdministrator: catalog.organization.inspectorAdministrator,
    // The simulator's Lambda fake answers Invoke (local/simulator/cloud.ts), and the account settings with it.
    ownLambda: true,
    organization: organizationFromCatalog(catalog, {
      managementAccountId: LOCAL_ACCOUNT,
      accountsPerOu: scenario.organization.accountsPerOu,
      levels: scenario.organization.levels,
      fanOut: scenario.organization.fanOut,
    }),
    pipelines: Object.entries(catalog.images).map(([image, spec]) => {
      const recipe = recipeOf(templates, resolver, pipelineName(image));
      return {
        name: pipelineName(image),
        image,
        region,
        type: spec.kind === 'container' ? ('CONTAINER' as const) : ('AMI' as const),
        regions: spec.regions,
        recipeName: recipe.name,
        recipeVersion: spec.version,
        parentImage: recipe.parentImage,
        componentArns: recipe.componentArns,
        // The parent image's, which parseCatalog filled in (a container image's parent is multi-arch: none).
        platform: platformOf(spec),
        architecture: spec.architecture,
        instanceTypes: spec.instanceTypes,
        testsEnabled: true,
        scanningEnabled: true,
        snsTopicArn: imageBuilderTopic,
        repository: spec.kind === 'container' ? containerRepositoryName(image, spec.repository) : undefined,
        // As the stacks create the repositories (stacks/factory/recipes.ts): the channels' tags alone movable.
        tagMutability: channelTagMutability(catalog.channels.map((c) => c.name)),
        kmsKeyIds: distributionKeysOf(templates, resolver, pipelineName(image)),
      };
    }),
    topics: [...topicArns],
    // Amazon Linux 2023's, and every other parameter the catalog builds on (AWS publishes one per OS release).
    baseImageParameters: [
      AL2023_PARAMETER,
      ...Object.values(catalog.images).flatMap(({ parent }) =>
        typeof parent === 'string' && parent.startsWith('ssm:') ? [parent.slice('ssm:'.length)] : [],
      ),
    ],
  });
  registerKeys(templates, resolver, installed.fakes.kms);
  for (const b of namedBuckets(templates, resolver)) installed.fakes.s3.createBucket(b.name, b.versioned);
  return installed;
}
