#!/usr/bin/env -S node --experimental-async-context-frame --max-semi-space-size=64
// The flags on the first line (and in package.json's scripts) are bin/goldsmith.mjs's, which says why:
// AsyncLocalStorage on V8's context frame, and a young generation of up to 64 MiB a semi-space.
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
