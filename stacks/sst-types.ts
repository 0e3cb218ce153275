import { join } from 'node:path';
import { App } from 'sst/constructs';

/**
 * Makes the apps built from now on write SST's editor type hints into `dir` (a synthesis's own assembly folder,
 * removed with it) instead of the project's `.sst/types`. Every `new App()` empties `.sst/types` and then appends a
 * line per bound construct (sst/constructs App.js, `codegenTypes` and `registerTypes`): two processes synthesizing at
 * once (two test workers, or the synthesis worker beside one) emptied each other's folder mid-build, and one failed
 * with ENOENT on `.sst/types/index.ts`. Nothing reads these files during synthesis. For synthesis outside SST's CLI
 * only (goldsmith validate, the local cloud, the stack tests); `sst deploy` never calls it.
 */
export function writeSstTypesTo(dir: string): void {
  const own = join(dir, 'sst-types');
  // A private method in SST's types, so replaced as a property: the one thing changed.
  Object.defineProperty(App.prototype, 'useTypesPath', { value: () => own, configurable: true, writable: true });
}
