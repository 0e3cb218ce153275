import { configureClients } from '../../../aws/clients/registry.js';
import { VirtualClock } from '../../../local/clock.js';
import type { FakeService } from '../../../local/fakes/common.js';
import { type InstallOptions, installFakes } from '../../../local/fakes/install.js';
import { attachFake, emptyStats } from '../../../local/fakes/middleware.js';
import { Throttle } from '../../../local/throttle.js';

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

/**
 * A real SDK client of `service` in `region` whose requests `fake` answers (the local cloud's middleware, on `clock`,
 * by default a virtual clock at START; no faults), with local credentials.
 */
export function answeredBy<C extends { config: object; middlewareStack: unknown }>(
  client: C,
  service: string,
  fake: FakeService,
  region: string,
  clock: VirtualClock = new VirtualClock(START),
): C {
  Object.assign(client.config, { credentials: async () => ({ accessKeyId: 'AKIALOCAL', secretAccessKey: 'local' }) });
  attachFake(client, {
    service,
    region,
    accountId: ACCOUNT,
    fake,
    clock,
    throttle: new Throttle(() => clock.now()),
    stats: emptyStats(),
    random: () => 0.5,
    faults: {},
  });
  return client;
}
