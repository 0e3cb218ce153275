import type { Catalog } from '../../core/config/schema.js';
import { channelParameterName, containerRepositoryName } from '../../stacks/names.js';
import type { RequestContext } from '../fakes/iam-conditions.js';
import type { LocalFakes } from '../fakes/install.js';
import type { OrganizationsFake } from '../fakes/organizations.js';
import { AccountClasses, type ClassAnswers, remembered } from './audit-classes.js';
import { ProblemsByCheck } from './audit-problems.js';
import type { PausedChannel } from './audit-recovering.js';
import { LOCAL_ACCOUNT } from './cloud.js';
import { targetResolver } from './targets.js';

/** An account outside the organization: nobody outside may read a pointer or pull an image. */
export const OUTSIDER = '999999999999';

export interface ConsumerAudit {
  problems: string[];
  /** Triples examined per check (docs/simulation.md, `consistency.checks`). */
  checks: Record<string, number>;
}

/**
 * The request context IAM builds for a principal of `account`: its account, organization id and path. Built once
 * per account (the organization is fixed, and policy evaluation only reads the context).
 */
export function principalContext(org: OrganizationsFake): (account: string) => RequestContext {
  const orgId = /\/(o-[a-z0-9]+)$/.exec(org.organizationArn())?.[1] ?? '';
  const contexts = new Map<string, RequestContext>();
  const build = (account: string): RequestContext => {
    if (!org.isMember(account)) return { 'aws:PrincipalAccount': account };
    const path = `${orgId}/${org.ancestors(account).reverse().join('/')}/`;
    return { 'aws:PrincipalAccount': account, 'aws:PrincipalOrgID': orgId, 'aws:PrincipalOrgPaths': [path] };
  };
  return (account) => {
    let context = contexts.get(account);
    if (!context) {
      context = build(account);
      contexts.set(account, context);
    }
    return context;
  };
}

/**
 * The audit of what consumers can do, answered from the fakes (SSM, RAM, ECR, Organizations), not the ledger: for
 * every channel pointer in every region, each of the channel's target accounts can read it by ARN and nobody else
 * can (accounts outside the channel's OUs and accounts, and an account outside the organization; excluded accounts
 * inside a shared OU can read, because RAM cannot exclude them, and are not counted either way); for container images,
 * the channel's tag names the pointer's digest, each target can pull, and no account outside every promoted channel's
 * targets can. A channel whose promotion paused before its record (`paused`) may have its pointer written and not yet
 * shared (Publish paused on RAM): its targets' reading is the documented in-between state the pause's own line names,
 * not a failure here.
 */
export function auditConsumerAccess(
  cloud: {
    installed: { fakes: Pick<LocalFakes, 'ssm' | 'ram' | 'ecr' | 'organizations'> };
    catalog: Pick<Catalog, 'images' | 'channels'>;
  },
  paused: ReadonlyMap<string, readonly PausedChannel[]> = new Map(),
  classes = new AccountClasses(cloud.installed.fakes.organizations),
): ConsumerAudit {
  const { ssm, ram, ecr, organizations } = cloud.installed.fakes;
  const owner = LOCAL_ACCOUNT;
  const resolve = targetResolver(organizations);
  // A channel's targets, and the accounts RAM shares its pointers with, are the same in every Region: worked out once.
  const reached = new Map<string, Set<string>>();
  const wholeOrganization = new Set(organizations.accountIds());
  const reach = (key: string, targets: Parameters<typeof resolve>[0]): Set<string> => {
    let accounts = reached.get(key);
    if (!accounts) {
      accounts = resolve(targets);
      reached.set(key, accounts);
    }
    return accounts;
  };
  const context = principalContext(organizations);
  // A suspended or closed account can read nothing, whatever the share: only active members are asked.
  const everyone = [
    ...organizations.accountIds().filter((a) => a !== owner && organizations.accountState(a) === 'ACTIVE'),
    OUTSIDER,
  ];
  // The accounts outside each channel's shares, picked out of everyone once per channel, not per pointer.
  const outside = remembered((shared: ReadonlySet<string>) => everyone.filter((a) => !shared.has(a)));
  // Who RAM lets read each pointer, worked out once per set of shares holding pointers in a Region (ram.ts).
  const readersIn = remembered((region: string) => ram.readersAt(region));
  const checks: Record<string, number> = {
    'pointer-readable-by-targets': 0,
    'pointer-not-readable-by-others': 0,
    'pointer-matches-tag': 0,
    'pullable-by-targets': 0,
    'not-pullable-by-others': 0,
  };
  const failures = new ProblemsByCheck();
  // Each account's answer is what `pass` wants, counted under `check`: by class when they all are; otherwise asked one
  // by one, each that is not a problem in the accounts' order.
  const expectAll = (
    check: string,
    accounts: ReadonlySet<string> | readonly string[],
    read: ClassAnswers<string | undefined>,
    pass: (answer: string | undefined) => boolean,
    problem: (account: string) => string,
  ) => {
    const group = classes.group(accounts);
    if (classes.allPass(group, [read, pass])) {
      checks[check]! += group.size;
      return;
    }
    for (const account of accounts) {
      checks[check]!++;
      if (!pass(read(account))) failures.add(check, problem(account));
    }
  };

  for (const [image, spec] of Object.entries(cloud.catalog.images)) {
    const channels = cloud.catalog.channels.filter((c) => !spec.channels || spec.channels.includes(c.name));
    const repository = containerRepositoryName(image, spec.repository);
    for (const region of spec.regions) {
      const pullers = new Set<string>();
      let promotedAny = false;
      for (const channel of channels) {
        const name = channelParameterName(image, channel.name);
        const value = ssm.value(region, name);
        if (value === undefined) continue;
        promotedAny = true;
        const arn = ssm.arn(region, name);
        // By class (audit-classes.ts): RAM shares with OUs and the organization, so an account reads as the others
        // under its parent unless something names it (a RAM account principal, a resource policy, the owner).
        const named = new Set([owner, ...ram.accountPrincipals(region, arn), ...ssm.policyReaders(region, arn)]);
        const read = classes.answers(ssm.readerOf(region, arn, readersIn(region)), named);
        const pausedHere = [...paused.values()].flat().some((c) => c.image === image && c.channel === channel.name);
        const targets = pausedHere ? new Set<string>() : reach(`targets of ${channel.name}`, channel.targets);
        // Every target reads the pointer.
        expectAll(
          'pointer-readable-by-targets',
          targets,
          read,
          (v) => v === value,
          (account) => {
            return `${account} cannot read ${name} in ${region}`;
          },
        );
        // RAM shares with whole OUs (or the organization, for it and for tag-selected targets): exclusions stay
        // readable.
        const shared =
          channel.targets.organization || Object.keys(channel.targets.accountTags).length > 0
            ? wholeOrganization
            : reach(`shares of ${channel.name}`, { ous: channel.targets.ous, accounts: channel.targets.accounts });
        expectAll(
          'pointer-not-readable-by-others',
          outside(shared),
          read,
          (v) => v === undefined,
          (account) => {
            return `${account}, not a target of ${channel.name}, can read ${name} in ${region}`;
          },
        );
        if (spec.kind !== 'container') continue;

        const digest = ecr.digestOfTag(region, repository, channel.name);
        checks['pointer-matches-tag']!++;
        if (!digest || !value.endsWith(`@${digest}`)) {
          failures.add(
            'pointer-matches-tag',
            `${name} in ${region} says ${value} but tag ${channel.name} names ${digest ?? 'nothing'}`,
          );
        }
        for (const account of targets) {
          pullers.add(account);
          checks['pullable-by-targets']!++;
          if (!ecr.canPull(region, repository, account, context)) {
            failures.add('pullable-by-targets', `${account} cannot pull ${repository}:${channel.name} in ${region}`);
          }
        }
      }
      if (spec.kind !== 'container' || !promotedAny) continue;
      for (const account of everyone) {
        if (pullers.has(account)) continue;
        checks['not-pullable-by-others']!++;
        if (ecr.canPull(region, repository, account, context)) {
          failures.add(
            'not-pullable-by-others',
            `${account}, a target of no channel ${image} is in, can pull ${repository} in ${region}`,
          );
        }
      }
    }
  }

  return { problems: failures.list(), checks };
}
