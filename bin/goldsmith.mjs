#!/usr/bin/env -S node --experimental-async-context-frame --max-semi-space-size=64
// The flags on the first line (and in package.json's scripts). AsyncLocalStorage, which the local cloud's clock and
// caller tracking use, then follows each async continuation through V8's context frame instead of installing
// async_hooks on every promise; a simulation takes about a fifth less CPU, with the same report
// (https://nodejs.org/api/cli.html#--experimental-async-context-frame; the default from Node 24 on). And V8's young
// generation may grow to 64 MiB a semi-space, where its default is at most 16 MiB on a 64-bit system (less under a
// smaller memory limit), at 3 MiB of heap per MiB (https://nodejs.org/api/cli.html#--max-semi-space-sizesize-in-mib):
// a simulation allocates gigabytes of short-lived requests and answers, and a larger nursery lets more of them die
// before a scavenge copies them (docs/performance.md, "The laboratory's garbage"). A short command never grows it.
// The `goldsmith` command. It runs the prebuilt bundle of the TypeScript sources (bin/bundle.mjs: built on the first
// run after a change, then reused); a TypeScript file outside it (a goldsmith.config.ts, a `--config x.ts`) is
// transformed as it is imported (bin/typescript-hooks.mjs). GOLDSMITH_NO_BUNDLE=1 loads every source through tsx, as
// before the bundle: slower to start, for working on the loading itself.
const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  // The local cloud (aws-local-stepfunctions) and the Lambda runtime are Node 22; npm scripts and npx put the
  // project's own Node 22 (the node@22 devDependency) first on the PATH.
  process.stderr.write(
    `goldsmith needs Node 22 or later (this is ${process.version}): run it as "npx goldsmith" or "npm start"\n`,
  );
  process.exit(1);
}
const [{ enableCompileCache }, { join }] = await Promise.all([import('node:module'), import('node:path')]);
// V8's compiled code of every module (aws-cdk-lib alone takes about a second to compile) is kept on disk and
// reused by the next run (https://nodejs.org/api/module.html#module-compile-cache).
enableCompileCache?.();
const { endQuietlyOnBrokenPipe, exitFlushed } = await import('./exit-flushed.mjs');
endQuietlyOnBrokenPipe();
// Stack traces name the .ts files and lines, in the bundle as through tsx
// (https://nodejs.org/api/process.html#processsetsourcemapsenabledval).
process.setSourceMapsEnabled(true);
let main;
if (process.env.GOLDSMITH_NO_BUNDLE === '1') {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../cli/main.ts'));
} else {
  const [{ registerTypeScriptHooks }, { cacheDirOf, ensureBundle, keepInUse, ROOT }] = await Promise.all([
    import('./typescript-hooks.mjs'),
    import('./bundle.mjs'),
  ]);
  registerTypeScriptHooks(join(cacheDirOf(ROOT), 'typescript'));
  let entry;
  try {
    // Said on a terminal only: a script or test reading stderr sees the same output on every run.
    const say = process.stderr.isTTY ? (line) => process.stderr.write(`${line}\n`) : undefined;
    ({ entry } = await ensureBundle(ROOT, say));
  } catch (error) {
    // esbuild has printed each error with its file, line and column.
    const detail = error?.errors?.length ? '' : `: ${error instanceof Error ? error.message : String(error)}`;
    process.stderr.write(`goldsmith: could not build the command from the sources${detail}\n`);
    await exitFlushed(1);
  }
  keepInUse(entry);
  ({ main } = await import(entry));
}
// Exit explicitly: an execution still waiting at the end of a simulated run (an approval nobody answered) leaves
// aws-local-stepfunctions' real TimeoutSeconds timer pending, which would keep the process alive for days. But
// only once stdout and stderr are flushed: a pipe takes writes asynchronously (bin/exit-flushed.mjs).
await exitFlushed(await main(process.argv.slice(2)));
