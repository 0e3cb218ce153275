import { mockClient as stubClient } from 'aws-sdk-client-mock';

/** Every client class (its prototype) or instance stubbed through `mockClient` in this process. */
const stubbed = new Set<{ send?: unknown }>();

/** A sinon stub, as aws-sdk-client-mock puts one in place of `send`: it can be restored. */
function isStub(send: unknown): send is { restore(): void } {
  return typeof send === 'function' && typeof (send as { restore?: unknown }).restore === 'function';
}

/**
 * aws-sdk-client-mock's `mockClient`, remembered so that `restoreClientMocks` can undo it: the stub replaces `send`
 * on the client's prototype, for every instance in the process, until it is restored. A test file that mocks through
 * this helper may share a worker with others (test/isolation.ts): test/setup-shared-cloud.ts restores every stub
 * after each file.
 */
export const mockClient: typeof stubClient = (client, options) => {
  // As aws-sdk-client-mock decides: an instance (it has a `send`) is stubbed on itself, a class on its prototype.
  const either = client as { send?: unknown; prototype?: { send?: unknown } };
  stubbed.add(either.send !== undefined ? either : (either.prototype ?? either));
  return stubClient(client, options);
};

/**
 * Puts back the `send` of every client stubbed through `mockClient`, whichever stub is there now: the first one, or
 * one that replaced it since (a second mock of the same client, or a stub's `reset()`, which stubs the client anew).
 */
export function restoreClientMocks(): void {
  // aws-sdk-client-mock restores a stub before it puts another in its place: one at most is there.
  for (const target of stubbed) if (isStub(target.send)) target.send.restore();
}

/** How many clients stubbed through `mockClient` still have a stub in place of their `send`. */
export function clientMocksInPlace(): number {
  return [...stubbed].filter((target) => isStub(target.send)).length;
}
