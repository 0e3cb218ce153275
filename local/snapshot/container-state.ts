import { heldOrganizationRef, holdOrganizationRef } from '../../aws/organization-ref.js';
import type { OrganizationRef } from '../../core/promotion/consumer-access.js';

/**
 * What the local cloud's Lambda container keeps between invocations, as a warm container on AWS does: the answers
 * its module-level caches hold (the organization from DescribeOrganization, asked once per container). A save
 * writes them down and an opened cloud holds them again, so it makes no call the saved cloud would not have made:
 * one call more would draw the fault stream once more and throttle or fail another request than the straight run.
 */
export interface SavedContainer {
  organization?: OrganizationRef;
}

export function saveContainer(): SavedContainer {
  const organization = heldOrganizationRef();
  return { ...(organization ? { organization } : {}) };
}

/** Loads `saved` into the fresh cloud's container (its clients configured). */
export function loadContainer(saved: SavedContainer): void {
  if (saved.organization) holdOrganizationRef(saved.organization);
}
