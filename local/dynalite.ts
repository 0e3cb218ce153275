import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';

/** A running in-memory DynamoDB (dynalite) on a free loopback port. */
export interface LocalDynamo {
  endpoint: string;
  stop(): Promise<void>;
}

/** Starts dynalite in memory on 127.0.0.1 with a port the OS picks; tables become ACTIVE at once. */
export async function startLocalDynamo(): Promise<LocalDynamo> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
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
