import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type dynaliteServer from 'dynalite';
import { rememberDynaliteParses } from './dynalite-parse-cache.js';
import { repairStore, type Store, storeStringsInMemoryLevel } from './dynalite-store.js';
import { compileDynaliteTypeChecks } from './dynalite-type-checks.js';
import { compileDynaliteValidations } from './dynalite-validations.js';

const require = createRequire(import.meta.url);

/** A running in-memory DynamoDB (dynalite) on a free loopback port. */
export interface LocalDynamo {
  endpoint: string;
  stop(): Promise<void>;
}

/**
 * A dynalite HTTP server whose store is repaired as the in-process one's (local/dynalite-store.ts): dynalite makes
 * its store with `require('./db').create(options)` and keeps it to itself, so `create` is wrapped for that one call.
 */
function dynaliteWithRepairedStore(options: Parameters<typeof dynaliteServer>[0]): ReturnType<typeof dynaliteServer> {
  storeStringsInMemoryLevel(require);
  const dynalite = require('dynalite') as typeof dynaliteServer;
  const db = require('dynalite/db') as { create(options: unknown): Store };
  const create = db.create;
  let store: Store | undefined;
  db.create = (opts) => {
    store = create(opts);
    return store;
  };
  try {
    const server = dynalite(options);
    if (!store) throw new Error('dynalite made its store without dynalite/db create(): cannot repair it');
    repairStore(store);
    rememberDynaliteParses();
    compileDynaliteTypeChecks();
    compileDynaliteValidations();
    return server;
  } finally {
    db.create = create;
  }
}

/** Starts dynalite in memory on 127.0.0.1 with a port the OS picks; tables become ACTIVE at once. */
export async function startLocalDynamo(): Promise<LocalDynamo> {
  const server = dynaliteWithRepairedStore({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections?.();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
