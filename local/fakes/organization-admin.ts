import {
  AccessDeniedException,
  InvalidInputException,
  OrganizationsServiceException,
  PolicyNotFoundException,
  ResourcePolicyNotFoundException,
  TargetNotFoundException,
} from '@aws-sdk/client-organizations';
import { delegationGaps } from '../../core/preflight/policies.js';
import { errorFactory, type FakeCall, type FakeService, paginate, required } from './common.js';
import type { OrganizationsFake } from './organizations.js';

/**
 * What an organization's management account sets up for the services and accounts that work with it, as far as a
 * deployment's prerequisites go: the resource-based delegation policy
 * (https://docs.aws.amazon.com/organizations/latest/userguide/security_iam_resource-based-policy-examples.html),
 * trusted access per service principal (ListAWSServiceAccessForOrganization), delegated administrators per service
 * (ListDelegatedAdministrators), and service control policies attached to roots, OUs and accounts
 * (ListPoliciesForTarget, DescribePolicy). Read-only here; a test or scenario changes the state directly.
 *
 * Who may call: the management account always. A member account only when it is a delegated administrator for a
 * service ("This operation can be called only from the organization's management account or by a member account that
 * is a delegated administrator", e.g.
 * https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListAWSServiceAccessForOrganization.html,
 * https://docs.aws.amazon.com/organizations/latest/APIReference/API_DescribeResourcePolicy.html,
 * https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListPoliciesForTarget.html), or, for the call it
 * makes, when the delegation policy allows it; DescribeOrganization from any member. Otherwise AccessDeniedException.
 */

const err = errorFactory(OrganizationsServiceException);
const invalid = (msg: string): Error => err(InvalidInputException, msg);
const PAGE = { max: 20, defaultSize: 20, invalidToken: () => invalid('The provided NextToken is not valid.') };

export const STACKSETS_SERVICE_PRINCIPAL = 'member.org.stacksets.cloudformation.amazonaws.com';
export const RAM_SERVICE_PRINCIPAL = 'ram.amazonaws.com';
export const INSPECTOR_SERVICE_PRINCIPAL = 'inspector2.amazonaws.com';

/** AWS's own SCP, attached to the root (and every OU and account) when SCPs are enabled. */
const FULL_AWS_ACCESS = 'p-FullAWSAccess';

interface Policy {
  readonly id: string;
  readonly name: string;
  readonly content: string;
  readonly awsManaged: boolean;
  readonly targets: Set<string>;
}

/** Calls this module answers; the rest go to the tree (OrganizationsFake) once the caller may make them. */
const ANSWERS = new Set([
  'DescribeResourcePolicy',
  'ListAWSServiceAccessForOrganization',
  'ListDelegatedAdministrators',
  'ListPoliciesForTarget',
  'DescribePolicy',
]);

export class OrganizationAdministration implements FakeService {
  /** The delegation policy's JSON, or none (DescribeResourcePolicy: ResourcePolicyNotFoundException). */
  resourcePolicy: string | undefined;
  /** Service principals with trusted access (RAM's sharing with the organization turns on `ram.amazonaws.com`). */
  readonly trustedAccess = new Set<string>([
    RAM_SERVICE_PRINCIPAL,
    STACKSETS_SERVICE_PRINCIPAL,
    INSPECTOR_SERVICE_PRINCIPAL,
  ]);
  /** Delegated administrator accounts by service principal. */
  readonly delegatedAdministrators = new Map<string, Set<string>>();
  readonly policies = new Map<string, Policy>();
  readonly managementAccountId: string;
  readonly organizationId: string;

  constructor(private readonly tree: OrganizationsFake) {
    const [, , , , management = '', resource = ''] = tree.organizationArn().split(':');
    this.managementAccountId = management;
    this.organizationId = resource.split('/').at(-1) ?? '';
    this.attach({ id: FULL_AWS_ACCESS, name: 'FullAWSAccess', content: '{}', awsManaged: true }, tree.rootId);
  }

  /** One service's trusted access and delegated administrators, read and changed in place (StackSets' fake). */
  serviceAccess(servicePrincipal: string): {
    trusted(): boolean;
    setTrusted(on: boolean): void;
    administrators(): Set<string>;
  } {
    // Read at each use: a test may delete the entry, or clear them all.
    const administrators = () => {
      const found = this.delegatedAdministrators.get(servicePrincipal) ?? new Set<string>();
      this.delegatedAdministrators.set(servicePrincipal, found);
      return found;
    };
    return {
      trusted: () => this.trustedAccess.has(servicePrincipal),
      setTrusted: (on) => {
        if (on) this.trustedAccess.add(servicePrincipal);
        else this.trustedAccess.delete(servicePrincipal);
      },
      administrators,
    };
  }

  register(servicePrincipal: string, account: string): void {
    const admins = this.delegatedAdministrators.get(servicePrincipal) ?? new Set<string>();
    admins.add(account);
    this.delegatedAdministrators.set(servicePrincipal, admins);
  }

  /** Attaches a policy (created when new) to a root, OU or account. */
  attach(p: { id: string; name: string; content: string; awsManaged?: boolean }, target: string): void {
    const policy = this.policies.get(p.id) ?? { ...p, awsManaged: p.awsManaged ?? false, targets: new Set() };
    policy.targets.add(target);
    this.policies.set(p.id, policy);
  }

  private isDelegatedAdministrator(account: string): boolean {
    return [...this.delegatedAdministrators.values()].some((admins) => admins.has(account));
  }

  private allowedByPolicy(account: string, action: string): boolean {
    return (
      this.resourcePolicy !== undefined &&
      delegationGaps(this.resourcePolicy, account, this.organizationId, [`organizations:${action}`]).length === 0
    );
  }

  private gate(call: FakeCall): void {
    const caller = call.accountId;
    if (caller === this.managementAccountId || call.action === 'DescribeOrganization') return;
    if (this.isDelegatedAdministrator(caller) || this.allowedByPolicy(caller, call.action)) return;
    throw err(AccessDeniedException, "You don't have permissions to access this resource.");
  }

  handle(call: FakeCall): unknown {
    this.gate(call);
    if (!ANSWERS.has(call.action)) return this.tree.handle(call);
    const input = call.input;
    switch (call.action) {
      case 'DescribeResourcePolicy':
        if (this.resourcePolicy === undefined)
          throw err(
            ResourcePolicyNotFoundException,
            "We can't find a resource policy request with the ID that you specified.",
          );
        return {
          ResourcePolicy: {
            ResourcePolicySummary: {
              Id: 'rp-goldsmith1',
              Arn: `arn:aws:organizations::${this.managementAccountId}:resourcepolicy/${this.organizationId}/rp-goldsmith1`,
            },
            Content: this.resourcePolicy,
          },
        };
      case 'ListAWSServiceAccessForOrganization':
        return this.page(
          input,
          [...this.trustedAccess].sort(),
          (p) => ({ ServicePrincipal: p }),
          'EnabledServicePrincipals',
        );
      case 'ListDelegatedAdministrators': {
        const principal = input.ServicePrincipal as string | undefined;
        const accounts = new Set(
          [...this.delegatedAdministrators]
            .filter(([p]) => principal === undefined || p === principal)
            .flatMap(([, a]) => [...a]),
        );
        return this.page(
          input,
          [...accounts].sort(),
          (id) => ({ Id: id, Status: 'ACTIVE' }),
          'DelegatedAdministrators',
        );
      }
      case 'ListPoliciesForTarget': {
        const target = required(input, 'TargetId', invalid);
        if (required(input, 'Filter', invalid) !== 'SERVICE_CONTROL_POLICY')
          return this.page(input, [], (p) => p, 'Policies');
        if (target !== this.tree.rootId && !this.tree.ancestors(target).length && !this.tree.isMember(target))
          throw err(TargetNotFoundException, `We can't find a root, OU, account, or policy with the ID ${target}.`);
        const attached = [...this.policies.values()].filter((p) => p.targets.has(target));
        return this.page(input, attached, (p) => this.summary(p), 'Policies');
      }
      default: {
        const id = required(input, 'PolicyId', invalid);
        const policy = this.policies.get(id);
        if (!policy) throw err(PolicyNotFoundException, `We can't find a policy with the PolicyId ${id}.`);
        return { Policy: { PolicySummary: this.summary(policy), Content: policy.content } };
      }
    }
  }

  private summary(p: Policy): Record<string, unknown> {
    return {
      Id: p.id,
      Arn: `arn:aws:organizations::${p.awsManaged ? 'aws' : this.managementAccountId}:policy/${p.awsManaged ? '' : `${this.organizationId}/`}service_control_policy/${p.id}`,
      Name: p.name,
      Type: 'SERVICE_CONTROL_POLICY',
      AwsManaged: p.awsManaged,
    };
  }

  private page<T>(input: Record<string, unknown>, items: readonly T[], map: (t: T) => unknown, key: string): unknown {
    const max = input.MaxResults;
    if (max !== undefined && (typeof max !== 'number' || max < 1 || max > PAGE.max))
      throw invalid(`MaxResults must be between 1 and ${PAGE.max}; got ${String(max)}.`);
    const page = paginate(items, input.MaxResults, input.NextToken, PAGE);
    return { [key]: page.items.map(map), NextToken: page.nextToken };
  }
}
