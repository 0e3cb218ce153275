import type { Catalog } from '../../core/config/schema.js';
import type { Ec2Fake } from '../fakes/ec2.js';
import type { OrganizationsFake } from '../fakes/organizations.js';
import { Launchability, remembered } from './audit-classes.js';
import type { PausedChannel } from './audit-recovering.js';
import type { SimulationReport } from './report.js';
import { targetResolver } from './targets.js';

/** An account id outside the organization: nobody outside may launch Goldsmith's AMIs either. */
export const OUTSIDER_ACCOUNT = '999999999999';

/** The launch checks and what each counted: (account, region, AMI) triples examined. */
export interface LaunchAudit {
  problems: string[];
  checks: {
    'launchable-by-targets': number;
    'not-launchable-by-others': number;
    'rejected-not-launchable': number;
    'retired-not-launchable': number;
    'aborted-withdrawn': number;
  };
}

const MAX_PROBLEMS_PER_AMI = 3;

/** What the launch audit reads of the local cloud: EC2, Organizations, the builds, the catalog's channels. */
export interface LaunchAuditCloud {
  installed: {
    fakes: {
      ec2: Ec2Fake;
      organizations: OrganizationsFake;
      imagebuilder: {
        builds: ReadonlyMap<
          string,
          { arn: string; pipeline: { image: string }; amis?: readonly { region: string; image: string }[] }
        >;
      };
    };
  };
  catalog: Pick<Catalog, 'channels'>;
}

/**
 * Asks the fakes, for every AMI of every build: can each account of the channels the build holds launch it in
 * that region, and can anyone else (every other member, and an account outside the organization)? A build holds
 * the channels the report shows it `promoted` to; one never promoted anywhere must be launchable by nobody, and
 * a rejected, expired or aborted channel's targets reach it only through another channel it holds. The answer
 * comes from the EC2 fake's launch permissions and the Organizations fake's tree, not from the ledger. A build the
 * lifecycle withdrew (`withdrawn`: retired, revoked or deleted, keyed `image@version`) holds no channel any more. A
 * channel whose promotion paused after Share (`paused`) may already reach it: its accounts are neither required nor
 * refused (the pointer check says whether the pause recovers by itself). A retired build kept shared for its users
 * (`retiredUsers`, keyed the same) must be launchable by exactly those of its users its channels still reach
 * (members of a channel's targets now), and by nobody else. An aborted channel's own targets are counted apart
 * (`aborted-withdrawn`): a revocation, a flag or an operator stopped it, and its grants must be gone.
 */
export function auditLaunchPermissions(
  cloud: LaunchAuditCloud,
  report: {
    promotions: readonly Pick<SimulationReport['promotions'][number], 'image' | 'version' | 'channel' | 'outcome'>[];
  },
  withdrawn: ReadonlyMap<string, string> = new Map(),
  paused: ReadonlyMap<string, readonly PausedChannel[]> = new Map(),
  retiredUsers: ReadonlyMap<string, ReadonlySet<string>> = new Map(),
  launchability = new Launchability(cloud.installed.fakes.ec2, cloud.installed.fakes.organizations),
): LaunchAudit {
  const { ec2, organizations, imagebuilder } = cloud.installed.fakes;
  const resolve = targetResolver(organizations);
  // Each channel's targets, and the targets of the channels a build holds, worked out once: 100 builds hold the same
  // channels, and their targets are grouped by class once (AccountClasses.group keeps a collection's groups).
  const reach = remembered(resolve);
  const heldReach = new Map<string, Set<string>>();
  const channels = new Map(cloud.catalog.channels.map((c) => [c.name, c]));
  // A suspended or closed account can launch nothing, whatever the grants: only active members are asked.
  const members = organizations.accountIds().filter((a) => organizations.accountState(a) === 'ACTIVE');
  // Former members too: a grant by account id outlives the membership that called for it.
  const everyone = [...members, ...organizations.formerMembers, OUTSIDER_ACCOUNT];
  const audit: LaunchAudit = {
    problems: [],
    checks: {
      'launchable-by-targets': 0,
      'not-launchable-by-others': 0,
      'rejected-not-launchable': 0,
      'retired-not-launchable': 0,
      'aborted-withdrawn': 0,
    },
  };
  const outside = remembered((expected: ReadonlySet<string>) => everyone.filter((a) => !expected.has(a)));
  const outcomes = new Map<string, string[]>();
  for (const p of report.promotions) {
    const key = `${p.image}@${p.version}`;
    outcomes.set(key, [...(outcomes.get(key) ?? []), `${p.channel}:${p.outcome}`]);
  }

  for (const build of imagebuilder.builds.values()) {
    const amis = build.amis ?? [];
    if (amis.length === 0) continue;
    const image = build.pipeline.image;
    const version = build.arn.split('/').slice(-2).join('/');
    const decided = outcomes.get(`${image}@${version}`) ?? [];
    const gone = withdrawn.get(`${image}@${version}`);
    const held = gone ? [] : decided.filter((d) => d.endsWith(':promoted')).map((d) => d.split(':')[0]!);
    const failed = decided.some((d) => !d.endsWith(':promoted'));
    const users = retiredUsers.get(`${image}@${version}`);
    const heldKey = users ? undefined : held.join('\n');
    let expected = heldKey === undefined ? undefined : heldReach.get(heldKey);
    if (!expected) {
      expected = new Set<string>();
      for (const name of held) {
        const c = channels.get(name);
        if (c) for (const a of reach(c.targets)) if (!users || users.has(a)) expected.add(a);
      }
      if (heldKey !== undefined) heldReach.set(heldKey, expected);
    }
    const pending = new Set<string>();
    for (const p of gone ? [] : (paused.get(`${image}@${version}`) ?? [])) {
      const c = channels.get(p.channel);
      if (c) for (const a of reach(c.targets)) if (!expected.has(a)) pending.add(a);
    }
    // Each aborted channel's own targets (those no held channel reaches): its grants were withdrawn, so none of them
    // may launch it. Counted on their own, so a run with aborted promotions shows this was checked.
    const abortedReach = new Map<string, string>();
    for (const d of decided.filter((o) => o.endsWith(':aborted'))) {
      const name = d.split(':')[0]!;
      const c = channels.get(name);
      if (c) for (const a of reach(c.targets)) if (!expected.has(a) && !pending.has(a)) abortedReach.set(a, name);
    }
    // The build's targets grouped by class once, for every AMI of it; the others (neither held nor paused) listed once,
    // not picked out of every account for each AMI.
    const targets = launchability.classes.group(expected);
    const others = pending.size === 0 ? outside(expected) : everyone.filter((a) => !expected.has(a) && !pending.has(a));
    const promotedAnywhere = decided.some((d) => d.endsWith(':promoted'));
    const othersKey =
      !promotedAnywhere && failed
        ? 'rejected-not-launchable'
        : gone
          ? 'retired-not-launchable'
          : 'not-launchable-by-others';
    for (const { region, image: amiId } of amis) {
      const owner = ec2.images.get(amiId)?.ownerId;
      const launchable = launchability.of(region, amiId);
      let reported = 0;
      const problem = (text: string) => {
        if (reported++ < MAX_PROBLEMS_PER_AMI) audit.problems.push(text);
      };
      if (launchability.classes.allPass(targets, [launchable, (ok) => ok]))
        audit.checks['launchable-by-targets'] += targets.size;
      else
        for (const account of expected) {
          audit.checks['launchable-by-targets']++;
          if (!launchable(account)) {
            problem(`${image} ${version} (${held.join(', ')}): ${account} cannot launch ${amiId} in ${region}`);
          }
        }
      for (const account of others) {
        if (account === owner) continue;
        const abortedAt = abortedReach.get(account);
        audit.checks[abortedAt ? 'aborted-withdrawn' : othersKey]++;
        if (abortedAt && launchable(account)) {
          problem(
            `${image} ${version} was aborted at ${abortedAt}, but ${account} of its targets can launch ${amiId} in ${region}: its grants were not withdrawn`,
          );
        } else if (launchable(account)) {
          const why = gone
            ? `was ${gone}`
            : users
              ? `was retired, kept shared only for its users still in ${held.join(', ')}`
              : held.length > 0
                ? `holds only ${held.join(', ')}`
                : `was ${decided.join(', ') || 'never promoted'}`;
          problem(`${image} ${version} ${why}, but ${account} can launch ${amiId} in ${region}`);
        }
      }
    }
  }
  return audit;
}
