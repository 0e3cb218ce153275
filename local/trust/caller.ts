import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Who is calling AWS right now in the local cloud. In AWS each function signs with its own role's credentials; in
 * process every handler shares the SDK clients, so the local Lambda runtime records the invoked function's role
 * here and the fakes read it (the local EventBridge authorizes each put for that principal).
 */
const caller = new AsyncLocalStorage<string>();

/** Runs `fn` with `principal` as the caller of every AWS call it makes. */
export function runAs<T>(principal: string | undefined, fn: () => T): T {
  return principal === undefined ? fn() : caller.run(principal, fn);
}

/** The principal of the code running now, if the local cloud knows it. */
export function currentCaller(): string | undefined {
  return caller.getStore();
}
