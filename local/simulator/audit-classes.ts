import { AUTO_SCALING_GRANT_NAME } from '../../core/sharing/key-grants.js';
import type { Ec2Fake } from '../fakes/ec2.js';
import type { KmsFake } from '../fakes/kms.js';
import { autoScalingRoleArn, memberRole } from '../fakes/kms-launch.js';
import type { OrganizationsFake } from '../fakes/organizations.js';

/** `make` of each key worked out once and kept: what the audit reads of the fakes stays as it is while it runs. */
export function remembered<K, V>(make: (key: K) => V): (key: K) => V {
  const made = new Map<K, V>();
  return (key) => {
    if (made.has(key)) return made.get(key) as V;
    const value = make(key);
    made.set(key, value);
    return value;
  };
}

/**
 * Accounts grouped by where they sit (AccountClasses.classOf), each class's accounts in their given order: what the
 * audit's loops ask many questions of at once (AccountClasses.allPass). A collection grouped must not change after.
 */
export interface AccountGroup {
  readonly size: number;
  has(account: string): boolean;
  readonly byClass: ReadonlyMap<string, readonly string[]>;
}

/** The answer an account gives (`AccountClasses.answers`), and the same question put to a whole group at once. */
export interface ClassAnswers<T> {
  (account: string): T;
  /**
   * Whether every account of `group` answers as `pass` wants: each class's answer once, and each account the answers
   * name on its own. False as soon as one does not, or a class's answer names its account (so each is its own). Not
   * counted as asked: AccountClasses.allPass counts the questions it puts.
   */
  passesAll(group: AccountGroup, pass: (answer: T) => boolean): boolean;
}

/** One question for AccountClasses.allPass: the answers, and the answer each account must give. */
export type Expectation<T> = readonly [answers: ClassAnswers<T>, pass: (answer: T) => boolean];

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
  private readonly groups = new WeakMap<object, AccountGroup>();

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
   * `accounts` grouped by class, worked out once per collection (the audit asks the same targets of every AMI and
   * pointer): at fleet scale the audit's 47.8 M questions, asked one by one, cost 4.6 s of its 7 s.
   */
  group(accounts: ReadonlySet<string> | readonly string[]): AccountGroup {
    let found = this.groups.get(accounts);
    if (!found) {
      const members: ReadonlySet<string> = accounts instanceof Set ? accounts : new Set(accounts);
      const byClass = new Map<string, string[]>();
      for (const account of members) {
        const c = this.classOf(account);
        const list = byClass.get(c);
        if (list) list.push(account);
        else byClass.set(c, [account]);
      }
      found = { size: members.size, has: (a) => members.has(a), byClass };
      this.groups.set(accounts, found);
    }
    return found;
  }

  /**
   * Whether every account of `group` answers each question as expected, counted as the one-by-one questions would be
   * (each account asked each question) when they do. False when one does not: the caller then asks account by account,
   * for its problems in their order.
   */
  allPass<A, B = never>(group: AccountGroup, first: Expectation<A>, second?: Expectation<B>): boolean {
    if (!first[0].passesAll(group, first[1]) || (second && !second[0].passesAll(group, second[1]))) return false;
    this.asked += group.size * (second ? 2 : 1);
    return true;
  }

  /**
   * `ask` for many accounts: an account `differs` names is asked on its own; the others once per class (`classOf`,
   * by default where the account sits), the class's answer given to each of its accounts when `shared` says it may be
   * (an answer that names its account, a refusal's reason, is worked out for each). Each account's answer is kept.
   */
  answers<T>(
    ask: (account: string) => T,
    differs: ReadonlySet<string> | ((account: string) => boolean),
    options: { classOf?: (account: string) => string; shared?: (answer: T) => boolean } = {},
  ): ClassAnswers<T> {
    const { classOf = (a: string) => this.classOf(a), shared = () => true } = options;
    const isNamed = typeof differs === 'function' ? differs : (a: string) => differs.has(a);
    const byClass = new Map<string, T>();
    const byAccount = new Map<string, T>();
    const own = (account: string): T => {
      if (byAccount.has(account)) return byAccount.get(account) as T;
      this.evaluated++;
      const answer = ask(account);
      byAccount.set(account, answer);
      return answer;
    };
    const answer = (account: string): T => {
      if (isNamed(account)) return own(account);
      const c = classOf(account);
      if (byClass.has(c)) return byClass.get(c) as T;
      const found = own(account);
      if (shared(found)) byClass.set(c, found);
      return found;
    };
    const verdict = (group: AccountGroup, pass: (answer: T) => boolean): boolean => {
      // The accounts named on their own, then each class by its first account not named.
      const named = typeof differs === 'function' ? [...group.byClass.values()].flat().filter(differs) : differs;
      for (const account of named) if (group.has(account) && !pass(own(account))) return false;
      for (const [c, accounts] of group.byClass) {
        const first = accounts.find((a) => !isNamed(a));
        if (first === undefined) continue;
        const found = answer(first);
        if (!byClass.has(c) || !pass(found)) return false;
      }
      return true;
    };
    // An answer once worked out stays, so a group's verdict does too: kept per expectation (the key audit puts the same
    // question to every member, each of them named by its grant, for each of a Region's 100 AMIs).
    const verdicts = new WeakMap<AccountGroup, Map<(answer: T) => boolean, boolean>>();
    const passesAll = (group: AccountGroup, pass: (answer: T) => boolean): boolean => {
      if (options.classOf) throw new Error('passesAll asks by where accounts sit, not by a class of their own');
      let byPass = verdicts.get(group);
      if (!byPass) {
        byPass = new Map();
        verdicts.set(group, byPass);
      }
      let found = byPass.get(pass);
      if (found === undefined) {
        found = verdict(group, pass);
        byPass.set(pass, found);
      }
      return found;
    };
    return Object.assign(
      (account: string) => {
        this.asked++;
        return answer(account);
      },
      { passesAll },
    );
  }
}

/**
 * Whether each account can launch an AMI, as the EC2 fake answers (`isLaunchableBy`), by class: the accounts the
 * AMI's launch permissions name by account id, and its owner, are asked one by one. Answers are kept per AMI for the
 * audit's run (the launch audit and the key audit ask the same questions).
 */
export class Launchability {
  private readonly byAmi = new Map<string, ClassAnswers<boolean>>();

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
  of(region: string, amiId: string): ClassAnswers<boolean> {
    const id = `${region}|${amiId}`;
    let answer = this.byAmi.get(id);
    if (!answer) {
      const ami = this.ec2.images.get(amiId);
      const named = new Set<string>(ami ? [ami.ownerId] : []);
      for (const p of ami?.launchPermissions.values() ?? []) if (p.UserId) named.add(p.UserId);
      answer = this.classes.answers((a) => this.ec2.isLaunchableBy(region, amiId, a, this.organizations), named);
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
export function keyDiffers(kms: KmsFake, region: string, keyRef: string): ReadonlySet<string> {
  const key = kms.key(region, keyRef);
  if (!key) return new Set();
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
  return differ;
}
