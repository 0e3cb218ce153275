import { configureClients } from '../../../aws/clients/registry.js';
import { VirtualClock } from '../../../local/clock.js';
import { type InstallOptions, installFakes } from '../../../local/fakes/install.js';

export const START = '2027-01-01T00:00:00Z';
export const ACCOUNT = '123456789012';

/** A fresh virtual clock and fakes, with the real SDK clients from aws/clients.ts routed to them. */
export function localCloud(opts: Omit<InstallOptions, 'clock'> = {}) {
  const clock = new VirtualClock(START);
  const installed = installFakes({ clock, accountId: ACCOUNT, ...opts });
  configureClients(installed.clientSettings);
  return { clock, ...installed };
}

/** Forgets the fakes so the next test builds fresh clients. */
export function resetClients(): void {
  configureClients({});
}
