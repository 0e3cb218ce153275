import { AUTO_SCALING_GRANT_NAME } from '../../core/sharing/key-grants.js';
import type { Ec2Fake } from '../fakes/ec2.js';
import type { KmsFake } from '../fakes/kms.js';
import { autoScalingRoleArn, memberRole } from '../fakes/kms-launch.js';
import type { OrganizationsFake } from '../fakes/organizations.js';

/**
 * The audit's per-account questions answered by equivalence class. At fleet scale the audit asks every account of
 * the organization about every AMI in every Region (millions of questions), and most accounts answer alike: an AMI's
 * launch permissions reach an account by its own account id (`UserId`), by the organization it is a member of
 * (`OrganizationArn`), by an OU above it (`OrganizationalUnitArn`) or as everyone (`Group` `all`)
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_LaunchPermission.html) — so two members under the same
 * parent, neither named by the AMI's own entries, answer the same. Each class is asked once (its first account); every
 * account that differs (named by an entry, or the owner) is asked on its own, so one account whose grant someone
 * removed among thousands is still found. `asked` counts the questions, `evaluated` the answers worked out.
 */
export class AccountClasses {
  asked = 0;
  evaluated = 0;
  private readonly classes = new Map<string, string>();

  constructor(private readonly organizations: Pick<OrganizationsFake, 'isMember' | 'ancestors'>) {}

  /** Where an account sits for a launch permission: members by their parent, everyone else as outside. */
  classOf(account: string): string {
    let found = this.classes.get(account);
    if (found === undefined) {
      found = this.organizations.isMember(account)
        ? `member of ${this.organizations.ancestors(account)[0]}`
        : 'outside';
      this.classes.set(account, found);
    }
    return found;
  }

  /**
   * `ask` for many accounts: an account `differs` names is asked on its own; the others once per class (`classOf`,
   * by default where the account sits), the class's answer given to each of its accounts when `shared` says it may be
   * (an answer that names its account, a refusal's reason, is worked out for each). Each account's answer is kept.
   */
  answers<T>(
    ask: (account: string) => T,
    differs: (account: string) => boolean,
    options: { classOf?: (account: string) => string; shared?: (answer: T) => boolean } = {},
  ): (account: string) => T {
    const { classOf = (a: string) => this.classOf(a), shared = () => true } = options;
    const byClass = new Map<string, T>();
    const byAccount = new Map<string, T>();
    const own = (account: string): T => {
      if (byAccount.has(account)) return byAccount.get(account) as T;
      this.evaluated++;
      const answer = ask(account);
      byAccount.set(account, answer);
      return answer;
    };
    return (account) => {
      this.asked++;
      if (differs(account)) return own(account);
      const c = classOf(account);
      if (byClass.has(c)) return byClass.get(c) as T;
      const answer = own(account);
      if (shared(answer)) byClass.set(c, answer);
      return answer;
    };
  }
}

/**
 * Whether each account can launch an AMI, as the EC2 fake answers (`isLaunchableBy`), by class: the accounts the
 * AMI's launch permissions name by account id, and its owner, are asked one by one. Answers are kept per AMI for the
 * audit's run (the launch audit and the key audit ask the same questions).
 */
export class Launchability {
  private readonly byAmi = new Map<string, (account: string) => boolean>();

  constructor(
    private readonly ec2: Pick<Ec2Fake, 'images' | 'isLaunchableBy'>,
    private readonly organizations: Pick<
      OrganizationsFake,
      'isMember' | 'ancestors' | 'organizationArn' | 'ouArnsAbove'
    >,
    readonly classes = new AccountClasses(organizations),
  ) {}

  /** Whether `account` can launch `amiId` in `region`. */
  isLaunchableBy(region: string, amiId: string, account: string): boolean {
    return this.of(region, amiId)(account);
  }

  /** Who can launch `amiId` in `region`, to ask of many accounts. */
  of(region: string, amiId: string): (account: string) => boolean {
    const id = `${region}|${amiId}`;
    let answer = this.byAmi.get(id);
    if (!answer) {
      const ami = this.ec2.images.get(amiId);
      const named = new Set<string>(ami ? [ami.ownerId] : []);
      for (const p of ami?.launchPermissions.values() ?? []) if (p.UserId) named.add(p.UserId);
      answer = this.classes.answers(
        (a) => this.ec2.isLaunchableBy(region, amiId, a, this.organizations),
        (a) => named.has(a),
      );
      this.byAmi.set(id, answer);
    }
    return answer;
  }
}

/**
 * The accounts a key answers on their own: those its key policy names (by account id), and those holding a grant on
 * it for the roles the audit asks as (its launching role; a grant named as the audit's dry-run Auto Scaling grant,
 * which CreateGrant would answer with again). Every other member answers as the others under its parent: the key's
 * decision reads the caller's account only through its policy (https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html)
 * and its grants (https://docs.aws.amazon.com/kms/latest/developerguide/grants.html), and its place in the
 * organization through `aws:PrincipalOrgPaths`.
 */
export function keyDiffers(kms: KmsFake, region: string, keyRef: string): (account: string) => boolean {
  const key = kms.key(region, keyRef);
  if (!key) return () => false;
  const text = typeof key.policy === 'string' ? key.policy : JSON.stringify(key.policy);
  const differ = new Set(text.match(/\d{12}/g) ?? []);
  // The grants' grantees, read once: an account's launching role, or its Auto Scaling role under the dry run's name.
  for (const g of key.grants) {
    const account = /^arn:aws[a-z-]*:iam::(\d{12}):role\//.exec(g.granteePrincipal)?.[1];
    if (!account) continue;
    if (
      g.granteePrincipal === memberRole(account, undefined).principalArn ||
      (g.granteePrincipal === autoScalingRoleArn(account) && g.name === AUTO_SCALING_GRANT_NAME)
    )
      differ.add(account);
  }
  return (account) => differ.has(account);
}
