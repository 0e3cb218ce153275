import type { KmsFake } from '../fakes/kms.js';
import type { CfnResource, CfnTemplate, TemplateResolver } from './intrinsics.js';

/**
 * The stacks' KMS keys brought into the KMS fake as a deploy would leave them: every `AWS::KMS::Key` in the home
 * Region with its key policy as synthesized, and every replica the `Custom::GoldsmithKeyReplica` resources make
 * (KMS ReplicateKey with the replica's own policy), so the audit answers from the policies the stacks write.
 */

const allResources = (templates: readonly CfnTemplate[]): Record<string, CfnResource> =>
  Object.assign({}, ...templates.map((t) => t.Resources ?? {}));

interface ReplicateCall {
  service?: string;
  action?: string;
  region?: string;
  parameters?: { KeyId?: string; ReplicaRegion?: string; Policy?: string };
}

/** Registers the templates' keys and replicas in `kms`; returns how many keys (replicas included) it made. */
export function registerKeys(templates: readonly CfnTemplate[], resolver: TemplateResolver, kms: KmsFake): number {
  const home = resolver.env.region;
  let made = 0;
  const resources = allResources(templates);
  for (const [id, r] of Object.entries(resources)) {
    if (r.Type !== 'AWS::KMS::Key') continue;
    kms.createKey(home, resolver.ref(id), resolver.resolve(r.Properties?.KeyPolicy) as { Statement?: unknown }, {
      multiRegion: r.Properties?.MultiRegion === true,
      description: String(r.Properties?.Description ?? ''),
    });
    made++;
  }
  for (const r of Object.values(resources)) {
    if (r.Type !== 'Custom::GoldsmithKeyReplica') continue;
    const call = JSON.parse(String(resolver.resolve(r.Properties?.Create))) as ReplicateCall;
    const p = call.parameters ?? {};
    if (call.action !== 'ReplicateKey' || !p.KeyId || !p.ReplicaRegion || !p.Policy)
      throw new Error(`a key replica resource does not call KMS ReplicateKey with a key, a Region and a policy`);
    kms.replicateKey(call.region ?? home, p.KeyId, p.ReplicaRegion, p.Policy);
    made++;
  }
  return made;
}

/**
 * The KMS key each Region's AMIs of `pipeline` are encrypted with, as its distribution configuration in the
 * synthesized template says (`AmiDistributionConfiguration.KmsKeyId`, resolved).
 */
export function distributionKeysOf(
  templates: readonly CfnTemplate[],
  resolver: TemplateResolver,
  pipeline: string,
): Record<string, string> {
  const resources = allResources(templates);
  const found = Object.values(resources).find(
    (r) => r.Type === 'AWS::ImageBuilder::ImagePipeline' && resolver.resolve(r.Properties?.Name) === pipeline,
  );
  const ref = found?.Properties?.DistributionConfigurationArn as
    | { Ref?: string; 'Fn::GetAtt'?: [string, string] }
    | undefined;
  const id = ref?.Ref ?? ref?.['Fn::GetAtt']?.[0];
  const distributions = (id ? resources[id]?.Properties?.Distributions : undefined) as
    | { Region?: unknown; AmiDistributionConfiguration?: { KmsKeyId?: unknown } }[]
    | undefined;
  const keys: Record<string, string> = {};
  for (const d of distributions ?? []) {
    const key = resolver.resolve(d.AmiDistributionConfiguration?.KmsKeyId);
    if (typeof key === 'string') keys[String(resolver.resolve(d.Region))] = key;
  }
  return keys;
}
