import { DELEGATION_POLICY_ACTIONS } from '../../core/preflight/policies.js';
import { ImageBlockPublicAccess, InspectorActivation, LambdaAccountSettings } from './account-settings.js';
import { InspectorOrganizationConfiguration } from './inspector-organization.js';
import {
  INSPECTOR_SERVICE_PRINCIPAL,
  OrganizationAdministration,
  STACKSETS_SERVICE_PRINCIPAL,
} from './organization-admin.js';
import type { OrganizationsFake } from './organizations.js';
import { GOLDSMITH_SCP_PARTS, scpPartIdHolding } from './prerequisites-scp.js';

/**
 * What a deployment needs that the stacks do not create, as the factory account and its organization hold it
 * (`goldsmith preflight` reads each; docs/deploy.md lists them); every one starts met.
 */
export interface Prerequisites {
  /** The delegation policy, trusted access, delegated administrators and service control policies. */
  readonly organization: OrganizationAdministration;
  readonly inspector: InspectorActivation;
  /** Which scan types Inspector turns on for members, per Region (its delegated administrator's). */
  readonly inspectorOrganization: InspectorOrganizationConfiguration;
  readonly imageBlockPublicAccess: ImageBlockPublicAccess;
  readonly lambda: LambdaAccountSettings;
}

/**
 * The prerequisites of a factory in account `factory` of `organizations`, all met (the SCP attached to the root);
 * Inspector's delegated administrator is `inspectorAdministrator` (a security account, set-up b) or the factory.
 */
export function preparedPrerequisites(
  organizations: OrganizationsFake,
  factory: string,
  inspectorAdministrator: string = factory,
): Prerequisites {
  const organization = new OrganizationAdministration(organizations);
  for (const part of GOLDSMITH_SCP_PARTS)
    organization.attach({ id: part.id, name: part.name, content: part.content }, organizations.rootId);
  // A member factory: the delegation policy names it, and it is StackSets' and Inspector's delegated administrator
  // (docs/deploy/inspector-findings.md, set-up a).
  if (factory !== organization.managementAccountId) {
    organization.resourcePolicy = goldsmithDelegationPolicy(factory);
    organization.register(STACKSETS_SERVICE_PRINCIPAL, factory);
  }
  if (inspectorAdministrator !== organization.managementAccountId)
    organization.register(INSPECTOR_SERVICE_PRINCIPAL, inspectorAdministrator);
  return {
    organization,
    inspector: new InspectorActivation(),
    inspectorOrganization: new InspectorOrganizationConfiguration(
      () => [...(organization.delegatedAdministrators.get(INSPECTOR_SERVICE_PRINCIPAL) ?? [])][0],
    ),
    imageBlockPublicAccess: new ImageBlockPublicAccess(),
    lambda: new LambdaAccountSettings(),
  };
}

/** The attached part of the SCP that denies direct invocation (FunctionsOnlyByGoldsmith). */
export const GOLDSMITH_SCP_ID = scpPartIdHolding('FunctionsOnlyByGoldsmith');

/** The attached part of the SCP that holds the pointers' statement (PointersOnlyByGoldsmith). */
export const GOLDSMITH_POINTERS_SCP_ID = scpPartIdHolding('PointersOnlyByGoldsmith');

/** The delegation policy docs/deploy.md gives, for `account`. */
export function goldsmithDelegationPolicy(account: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'GoldsmithReadsTheTree',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${account}:root` },
        Action: [...DELEGATION_POLICY_ACTIONS],
        Resource: '*',
      },
    ],
  });
}
