import type { Catalog } from '../../core/config/schema.js';
import type { VirtualClock } from '../clock.js';
import type { LocalFakes } from '../fakes/install.js';
import type { CreateStackSetInput, OperationPreferences } from '../fakes/stacksets-types.js';
import type { PolicyDocument } from '../trust/policies.js';
import type { CfnTemplate, TemplateResolver } from './intrinsics.js';

/**
 * The member baseline as a deploy leaves it: CloudFormation creates the stacks' AWS::CloudFormation::StackSet (its
 * resolved properties: CreateStackSet, then CreateStackInstances on its StackInstancesGroup) in the StackSets fake,
 * whose stack instances give each member account of the targeted OUs its rollout role and, per Region, its Auto
 * Scaling role's grant on the AMI key. Auto-deployment then follows the organization: every change an administrator
 * (or a member) makes reaches StackSets, which deploys to accounts now under a targeted OU and deletes the instances
 * of those no longer under one, after {@link AUTO_DEPLOYMENT_DELAY_MS}.
 */

/**
 * How long after an organization change StackSets starts the auto-deployment. AWS says an account added to, removed
 * from or moved between targeted OUs triggers it, and gives no delay
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-manage-auto-deployment.html): the
 * fake takes 5 minutes.
 */
export const AUTO_DEPLOYMENT_DELAY_MS = 5 * 60_000;

/** The StackSet resource's properties, resolved: CreateStackSet's request and the instances it deploys. */
type StackSetProperties = CreateStackSetInput & {
  StackInstancesGroup?: { DeploymentTargets?: { OrganizationalUnitIds?: string[] }; Regions?: string[] }[];
  OperationPreferences?: OperationPreferences;
};

/** What the baseline deployed at start: the stack set's name, its instances then, the accounts that ran it by hand. */
export interface DeployedBaseline {
  stackSetName: string;
  instances: number;
  byHand: string[];
}

/**
 * Creates the member baseline's stack set from the templates, as the factory account (`factoryAccount`) with the
 * prerequisites docs/deploy.md lists (trusted access; the factory registered as a delegated administrator when the
 * stack set calls as one), and makes auto-deployment follow the organization fake on the virtual clock. Every factory
 * role's identity policies decide its own AssumeRole of a member role. Answers undefined when the stacks hold no
 * stack set (the baseline disabled): no member account then gets a role or a grant.
 */
export async function deployMemberBaseline(options: {
  templates: readonly CfnTemplate[];
  resolver: TemplateResolver;
  catalog: Catalog;
  fakes: LocalFakes;
  clock: VirtualClock;
  factoryAccount: string;
  rolePolicies: ReadonlyMap<string, readonly PolicyDocument[]>;
  /** How long a moved account's queued create waits after its old instance's deletion (the fake's default otherwise). */
  moveSettleMs?: number;
}): Promise<DeployedBaseline | undefined> {
  const { templates, resolver, catalog, fakes, clock, factoryAccount, rolePolicies } = options;
  const { stackSets, memberAccess, organizations } = fakes;
  memberAccess.useCallerPolicies((arn) => rolePolicies.get(arn));
  const resource = templates
    .flatMap((t) => Object.values(t.Resources ?? {}))
    .find((r) => r.Type === 'AWS::CloudFormation::StackSet');
  if (!resource) return undefined;
  const props = resolver.resolve(resource.Properties) as StackSetProperties;
  stackSets.trustedAccess = true;
  stackSets.clock = () => clock.now();
  stackSets.armCreation = (account, region, at) => armQueuedCreate(clock, stackSets, account, region, at);
  if (options.moveSettleMs !== undefined) stackSets.moveSettleMs = options.moveSettleMs;
  stackSets.updates.arm = (stackId, at) => armStackCleanup(clock, stackSets, stackId, at);
  if (props.CallAs === 'DELEGATED_ADMIN') stackSets.delegatedAdministrators.add(factoryAccount);
  stackSets.createStackSet(factoryAccount, props);
  for (const group of props.StackInstancesGroup ?? []) {
    await stackSets.createStackInstances(
      group.DeploymentTargets?.OrganizationalUnitIds ?? [],
      group.Regions ?? [],
      clock.now(),
      props.OperationPreferences,
    );
  }
  // An account a channel names by id (or a rollout wave does) is no StackSets target (service-managed targets are
  // OUs: https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DeploymentTargets.html); its team
  // deploys the same template as a stack of its own (docs/consumers.md), which the laboratory does for it at start.
  const named = new Set(
    catalog.channels.flatMap((c) => [...c.targets.accounts, ...(c.rollout?.waves ?? []).flatMap((w) => w.accounts)]),
  );
  const regions = [...new Set((props.StackInstancesGroup ?? []).flatMap((g) => g.Regions ?? []))];
  const byHand = [...named]
    .filter((a) => organizations.isMember(a) && a !== factoryAccount)
    .filter((a) => !regions.some((r) => stackSets.targets(a, r)))
    .sort();
  for (const account of byHand) await stackSets.deployByHand(account, clock.now());
  organizations.onChange(() => {
    armAutoDeployment(clock, stackSets, clock.now() + AUTO_DEPLOYMENT_DELAY_MS);
  });
  return { stackSetName: props.StackSetName, instances: stackSets.stackInstances().length, byHand };
}

/** StackSets' automatic deployment to the accounts that joined or left its target OUs, at `at`. */
export function armAutoDeployment(
  clock: VirtualClock,
  stackSets: { reconcile(now: number): unknown },
  at: number,
): void {
  clock.schedule(at, 'StackSets auto-deployment', () => stackSets.reconcile(clock.now()), {
    kind: 'StackSets auto-deployment',
  });
}

/** The deletion of a moved account's old stack instance at `at`, as an older release's saved cloud armed it. */
export function armStackDeletion(
  clock: VirtualClock,
  stackSets: { deleteLeaving(stackId: string): Promise<void> },
  stackId: string,
  at: number,
): void {
  clock.schedule(at, 'StackSets deletion', () => stackSets.deleteLeaving(stackId), {
    kind: 'StackSets deletion',
    data: { stackId },
  });
}

/** The create StackSets queued for a moved account in `region`, behind its old instance's deletion, at `at`. */
export function armQueuedCreate(
  clock: VirtualClock,
  stackSets: { createQueued(account: string, region: string): Promise<void> },
  account: string,
  region: string,
  at: number,
): void {
  clock.schedule(at, 'StackSets queued create', () => stackSets.createQueued(account, region), {
    kind: 'StackSets queued create',
    data: { account, region },
  });
}

/** The cleanup of an updated stack instance (its replaced role and grant deleted), at `at`: when its update ended. */
export function armStackCleanup(
  clock: VirtualClock,
  stackSets: { runCleanup(stackId: string): Promise<void> },
  stackId: string,
  at: number,
): void {
  clock.schedule(at, 'StackSets update cleanup', () => stackSets.runCleanup(stackId), {
    kind: 'StackSets update cleanup',
    data: { stackId },
  });
}
