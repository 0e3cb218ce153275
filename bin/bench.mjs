#!/usr/bin/env -S node --experimental-async-context-frame
// The flag on the first line (and in package.json's scripts): AsyncLocalStorage, which the local cloud's clock and
// caller tracking use, then follows each async continuation through V8's context frame instead of installing
// async_hooks on every promise; a simulation takes about a fifth less CPU, with the same report
// (https://nodejs.org/api/cli.html#--experimental-async-context-frame; the default from Node 24 on).
import { enableCompileCache } from 'node:module';
// `npm run bench`: registers tsx (as bin/goldsmith.mjs does) so the TypeScript benchmarks load directly.
import { register } from 'tsx/esm/api';

// V8's compiled code of every module (aws-cdk-lib alone takes about a second to compile) is kept on disk and
// reused by the next run (https://nodejs.org/api/module.html#module-compile-cache).
enableCompileCache?.();

register();
const { endQuietlyOnBrokenPipe, exitFlushed } = await import('./exit-flushed.mjs');
endQuietlyOnBrokenPipe();
const { main } = await import('../bench/main.ts');
// Exit explicitly, as bin/goldsmith.mjs does: a simulated run that ends while an execution still waits (the
// fleet-scale run ends in the staging soak) leaves aws-local-stepfunctions' real timers pending for days.
await exitFlushed(await main(process.argv.slice(2)));
