import type { KmsFake } from '../fakes/kms.js';
import { autoScalingGrantRefusal, directUseRefusal, launchRefusal, memberRole } from '../fakes/kms-launch.js';
import { type ClassAnswers, keyDiffers, Launchability, remembered } from './audit-classes.js';
import { ProblemsByCheck } from './audit-problems.js';
import type { LaunchAuditCloud } from './audit-sharing.js';
import { OUTSIDER_ACCOUNT } from './audit-sharing.js';

/** What the key audit reads of the local cloud: the launch audit's, KMS, and the organization's id. */
export interface KeyAuditCloud {
  installed: { fakes: LaunchAuditCloud['installed']['fakes'] & { kms: KmsFake } };
  catalog: { organization: { id: string } };
}

export interface KeyAudit {
  problems: string[];
  checks: { 'key-usable-by-targets': number; 'key-not-usable-by-others': number };
}

// The answers a pass needs, the same functions every time (AccountClasses keeps a group's verdict per function).
const LAUNCHES = (launches: boolean) => launches;
const NO_REFUSAL = (refusal: string | undefined) => refusal === undefined;

/**
 * The KMS side of every launch, answered from the KMS fake (the key policies and replicas as the stacks write
 * them) and the EC2 fake, not the ledger:
 * - `key-usable-by-targets`: for every (account, Region, AMI) the EC2 fake lets launch (the owner aside), the key
 *   the AMI's snapshots are encrypted with lets a principal of that account launch through EC2 there, and lets the
 *   account give its EC2 Auto Scaling role the grant AWS documents — so no target is ever granted an AMI whose key
 *   it cannot use, directly or from an Auto Scaling group.
 * - `key-not-usable-by-others`: for every key in use, in every Region: an account outside the organization can
 *   neither launch with it nor grant it to its Auto Scaling role; no member can use it directly (not through EC2),
 *   nor grant it to another account's Auto Scaling role.
 */
export function auditKeys(
  cloud: KeyAuditCloud,
  launchability = new Launchability(cloud.installed.fakes.ec2, cloud.installed.fakes.organizations),
): KeyAudit {
  const { ec2, organizations, imagebuilder, kms } = cloud.installed.fakes;
  const orgId = cloud.catalog.organization.id;
  const owner = kms.accountId;
  const members = organizations.accountIds().filter((a) => a !== owner);
  const checks: KeyAudit['checks'] = { 'key-usable-by-targets': 0, 'key-not-usable-by-others': 0 };
  const failures = new ProblemsByCheck();
  const { classes } = launchability;
  // The key's answer depends on (Region, key, account), not on the AMI: asked once per class of accounts that answer
  // alike (audit-classes.ts), counted per AMI. A refusal names its account: worked out for each account refused.
  const answers = new Map<string, ClassAnswers<string | undefined>>();
  // The accounts each key answers on their own, read once per key and Region (every member holds a grant on it).
  const differsFor = remembered((id: string) => {
    const [region = '', key = ''] = id.split('|');
    return keyDiffers(kms, region, key);
  });
  const answersFor = (region: string, key: string) => {
    const id = `${region}|${key}`;
    let answer = answers.get(id);
    if (!answer) {
      answer = classes.answers(
        (a) => launchAndScaleRefusal(kms, region, key, a, orgId),
        differsFor(`${region}|${key}`),
        {
          shared: (refusal) => refusal === undefined,
        },
      );
      answers.set(id, answer);
    }
    return answer;
  };

  const everyMember = classes.group(members);
  const keysInUse = new Map<string, Set<string>>();
  for (const build of imagebuilder.builds.values()) {
    for (const { region, image: amiId } of build.amis ?? []) {
      const ami = ec2.images.get(amiId);
      if (!ami) continue;
      for (const snapshotId of ami.snapshotIds) {
        const key = ec2.snapshots.get(snapshotId)?.kmsKeyId;
        if (!key) continue;
        keysInUse.set(region, (keysInUse.get(region) ?? new Set()).add(key));
        const known = answersFor(region, key);
        const launchable = launchability.of(region, amiId);
        // Every member launches it and its key refuses none of them (so the launch question was asked of each):
        // counted without asking account by account; otherwise asked one by one for each refusal, in order.
        if (classes.allPass(everyMember, [launchable, LAUNCHES], [known, NO_REFUSAL])) {
          checks['key-usable-by-targets'] += everyMember.size;
          continue;
        }
        for (const account of members) {
          if (!launchable(account)) continue;
          checks['key-usable-by-targets']++;
          const refusal = known(account);
          if (refusal)
            failures.add(
              'key-usable-by-targets',
              `${account} may launch ${amiId} in ${region} but its key refuses: ${refusal}`,
            );
        }
      }
    }
  }

  // Each member's next member, whose Auto Scaling role it must not be able to grant a key to.
  const otherOf = new Map(members.map((a, i) => [a, members[(i + 1) % members.length]!]));
  // The pair's class (member, next member), written once per member for every key, not once per key.
  const pairClassOf = remembered((a: string) => `${classes.classOf(a)} → ${classes.classOf(otherOf.get(a) ?? a)}`);
  for (const [region, keys] of keysInUse) {
    for (const key of keys) {
      const outsider = memberRole(OUTSIDER_ACCOUNT, undefined);
      checks['key-not-usable-by-others'] += 2;
      if (!launchRefusal(kms, region, key, outsider))
        failures.add(
          'key-not-usable-by-others',
          `${OUTSIDER_ACCOUNT} (outside the organization) can launch with ${key}`,
        );
      if (!autoScalingGrantRefusal(kms, region, key, outsider))
        failures.add('key-not-usable-by-others', `${OUTSIDER_ACCOUNT} can grant ${key} to its Auto Scaling role`);
      // Refused or not, by class (audit-classes.ts): the pair (member, next member) by both accounts' classes.
      const differs = differsFor(`${region}|${key}`);
      const usesDirectly = classes.answers((a) => !directUseRefusal(kms, region, key, memberRole(a, orgId)), differs);
      const grantsOther = classes.answers(
        (a) => !autoScalingGrantRefusal(kms, region, key, memberRole(a, orgId), otherOf.get(a)),
        (a) => differs.has(a) || differs.has(otherOf.get(a) ?? a),
        { classOf: pairClassOf },
      );
      for (const account of members) {
        checks['key-not-usable-by-others']++;
        if (usesDirectly(account))
          failures.add(
            'key-not-usable-by-others',
            `${account} can Decrypt with ${key} in ${region} directly, not through EC2`,
          );
        const other = otherOf.get(account);
        if (other === undefined || other === account) continue;
        checks['key-not-usable-by-others']++;
        if (grantsOther(account))
          failures.add(
            'key-not-usable-by-others',
            `${account} can grant ${key} in ${region} to ${other}'s Auto Scaling role`,
          );
      }
    }
  }

  return { problems: failures.list(), checks };
}

/**
 * Why the key would stop `account` from launching in `region`: its launching role through EC2, or the one-time
 * grant its Auto Scaling role needs (created as the member's administrator; what that grant then allows is the
 * KMS fake's, tested in test/unit/local/kms-fake.test.ts).
 */
function launchAndScaleRefusal(
  kms: KmsFake,
  region: string,
  key: string,
  account: string,
  orgId: string,
): string | undefined {
  const direct = launchRefusal(kms, region, key, memberRole(account, orgId));
  if (direct) return `a role of ${account}: ${direct}`;
  const grant = autoScalingGrantRefusal(kms, region, key, memberRole(account, orgId));
  if (grant) return `${account} cannot grant the key to its Auto Scaling role: ${grant}`;
  return undefined;
}
