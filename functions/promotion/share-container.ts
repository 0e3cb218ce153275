import { parseImageUri, readRepositoryPolicy, writeRepositoryPolicy } from '../../aws/promotion/ecr.js';
import { recordShareDecision } from '../../aws/promotion/promotion-ledger.js';
import { organizationRef } from '../../aws/sharing/organization-ref.js';
import { GoldsmithError } from '../../core/errors.js';
import { pullStatements, withChannelStatements } from '../../core/promotion/consumer-access.js';
import { guardScopeOf, withGuardStatements } from '../../core/promotion/repository-guard.js';
import { accountSetHash } from '../../core/sharing/targets.js';
import type { ChannelItem } from './schemas.js';

/** A channel whose targets an ECR repository policy cannot express: permanent, the promotion stops and says why. */
export class ContainerTargetsError extends GoldsmithError {
  constructor(message: string) {
    super(message);
    this.name = 'ContainerTargetsUnsupported';
  }
}

/** What Share did for a container image: the regions, the catalog's target counts, the policies it rewrote. */
export interface ContainerShareResult {
  regions: string[];
  targets: { ous: number; accounts: number; tags: number };
  policiesChanged: string[];
}

/**
 * Share for a container image: in every region the image was distributed to, the repository policy carries the
 * channel's pull statements (OUs by organization path, named accounts by account id, exclusions as conditions);
 * other channels' and anyone else's statements are kept, the guard's Deny statements written with them
 * (core/promotion/repository-guard.ts), and a policy already right is not rewritten. ECR grants
 * pull per repository, not per image: every image in the repository is pullable by the union of the channels it
 * serves (docs/consumers.md says so); which image a channel means is its tag and pointer, moved by Publish.
 */
export async function shareContainer(item: ChannelItem): Promise<ContainerShareResult> {
  const t = item.channel.targets;
  if (Object.keys(t.accountTags).length > 0) {
    throw new ContainerTargetsError(
      `channel ${item.channel.name} selects accounts by tag, which an ECR repository policy cannot express (no condition key carries account tags)`,
    );
  }
  const org = await organizationRef();
  const statements = pullStatements(item.channel.name, t, t.accounts, org.id);
  const policiesChanged: string[] = [];
  await Promise.all(
    item.build.containers.map(async (c) => {
      const ref = parseImageUri(c.imageUri);
      if (!ref) throw new Error(`build.containers: "${c.imageUri}" is not an ECR image URI with a tag`);
      const current = await readRepositoryPolicy(ref);
      const channel = withChannelStatements(current, item.channel.name, statements);
      // With the guard that keeps the repository's tags, images and policy Goldsmith's (the stage names its roles).
      const scope = guardScopeOf(item.buildVersionArn, ref.registryId, process.env.GOLDSMITH_STAGE);
      const base = channel ?? current;
      const next = base && scope ? (withGuardStatements(base, scope) ?? channel) : channel;
      if (!next) return;
      await writeRepositoryPolicy(ref, next);
      policiesChanged.push(c.region);
    }),
  );
  const regions = item.build.containers.map((c) => c.region);
  const ous = t.ous.filter((ou) => !t.exclude.ous.includes(ou));
  const accounts = t.accounts.filter((a) => !t.exclude.accounts.includes(a));
  const counts = { ous: ous.length + (t.organization ? 1 : 0), accounts: accounts.length, tags: 0 };
  await recordShareDecision({
    image: item.image,
    version: item.version,
    channel: item.channel.name,
    regions,
    targets: {
      organization: t.organization ?? false,
      ous: t.ous,
      accounts: t.accounts,
      accountTags: {},
      excluded: t.exclude,
      allowCopy: false,
    },
    // A repository policy names paths and accounts, not resolved members: no grants or account set to hash.
    counts: { ...counts, grants: 0, skipped: 0 },
    accountsHash: accountSetHash([]),
    skipped: [],
    calls: { modifyImageAttribute: 0, modifySnapshotAttribute: 0 },
    at: new Date().toISOString(),
  });
  return { regions, targets: counts, policiesChanged: policiesChanged.sort() };
}
