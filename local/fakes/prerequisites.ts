import { ImageBlockPublicAccess, InspectorActivation, LambdaAccountSettings } from './account-settings.js';
import { OrganizationAdministration } from './organization-admin.js';
import type { OrganizationsFake } from './organizations.js';

/**
 * What a deployment needs that the stacks do not create, as the factory account and its organization hold it
 * (`goldsmith preflight` reads each; docs/deploy.md lists them); every one starts met.
 */
export interface Prerequisites {
  /** The delegation policy, trusted access, delegated administrators and service control policies. */
  readonly organization: OrganizationAdministration;
  readonly inspector: InspectorActivation;
  readonly imageBlockPublicAccess: ImageBlockPublicAccess;
  readonly lambda: LambdaAccountSettings;
}

/** The prerequisites of a factory in account `factory` of `organizations`, all met. */
export function preparedPrerequisites(organizations: OrganizationsFake, factory: string): Prerequisites {
  const organization = new OrganizationAdministration(organizations);
  organization.prepareFactory(factory);
  return {
    organization,
    inspector: new InspectorActivation(),
    imageBlockPublicAccess: new ImageBlockPublicAccess(),
    lambda: new LambdaAccountSettings(),
  };
}
