/**
 * `npm test`: biome's lint, then vitest, with the type-check, `npm run verify`'s deploy-readiness checks and
 * `npm run build` (the real `sst build`, offline, and the same checks on its output) running
 * beside vitest at the lowest CPU priority (`nice -n 19`), so that they take only the cores vitest leaves idle (its
 * main process waiting, a worker between files, the run's tail) instead of ~50 s of wall time after it. Their
 * output is held and printed after vitest's. The one verify line that totals the whole test run (the requests checked
 * against AWS's models) is taken once vitest has ended: verify waits for its standard input to close
 * (`--suite-on-stdin-end`, scripts/verify.ts). Arguments go to vitest (`npm test -- test/unit`). The exit code is
 * the first failure's: lint, vitest, the type-check, verify, build.
 *
 * Plain JavaScript, so that it runs on the Node that `npm ci` installs before anything is compiled.
 */
import { spawn, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The type-check is TypeScript 7's compiler (the `typescript-native` dev dependency, `npm:typescript@7`: native code,
 * its checkers in parallel), which reports what TypeScript 5's `tsc` does on this repository in about a third of the
 * CPU (docs/performance.md, "`npm test`"). TypeScript 5 stays the `typescript` package, whose
 * JavaScript API test/isolation.ts and scripts/readiness read. Found beside this script, in its checkout.
 */
const NATIVE_TSC = fileURLToPath(new URL('../node_modules/typescript-native/bin/tsc', import.meta.url));

/** `nice` where the system has it (Linux, macOS); without it the two run at normal priority. */
const NICE = spawnSync('nice', ['-n', '19', 'true']).status === 0 ? ['nice', '-n', '19'] : [];

/** Runs a command with the output shown as it comes. */
function shown(command, args) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'inherit' });
    child.on('error', (e) => {
      process.stderr.write(`npm test: could not run ${command}: ${e.message}\n`);
      resolve(1);
    });
    child.on('close', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

/** Starts a command at the lowest priority with its output held; `stdin` is left open for the caller to close. */
function held(command, args) {
  const [bin, ...rest] = [...NICE, command, ...args];
  const child = spawn(bin, rest, { stdio: ['pipe', 'pipe', 'pipe'] });
  const chunks = [];
  child.stdout.on('data', (c) => chunks.push(c));
  child.stderr.on('data', (c) => chunks.push(c));
  const done = new Promise((resolve) => {
    child.on('error', (e) => {
      chunks.push(Buffer.from(`npm test: could not run ${command}: ${e.message}\n`));
      resolve(1);
    });
    child.on('close', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
  return { child, done, output: () => Buffer.concat(chunks).toString('utf8') };
}

const lint = await shown('biome', ['check', '.']);
if (lint !== 0) process.exit(lint);

const typecheck = held(process.execPath, [
  NATIVE_TSC,
  '--noEmit',
  '--incremental',
  '--tsBuildInfoFile',
  'node_modules/.cache/goldsmith/tsc-native.tsbuildinfo',
  '-p',
  'tsconfig.json',
]);
typecheck.child.stdin.end();
const verify = held('node', ['--import', 'tsx', 'scripts/verify.ts', '--suite-on-stdin-end']);
// The real `sst build` (offline) and the readiness checks on what it writes: what deploys is what is tested, and a
// change that breaks `sst build` or `sst deploy` fails `npm test` (scripts/build.ts).
const build = held('node', ['--import', 'tsx', 'scripts/build.ts']);
build.child.stdin.end();
// A Ctrl-C reaches the whole process group; a plain kill of this process takes the two held commands with it.
for (const signal of ['SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    typecheck.child.kill(signal);
    verify.child.kill(signal);
    build.child.kill(signal);
    process.exit(1);
  });
}

// What an earlier run left for verify's request-check line (a vitest run that failed, or one file run alone) is not
// this run's: cleared before vitest starts (scripts/verify/suite-figures.ts).
rmSync(new URL('../node_modules/.cache/goldsmith-verify/', import.meta.url), { recursive: true, force: true });
const tests = await shown('vitest', ['run', ...process.argv.slice(2)]);
verify.child.stdin.end();
const [typed, verified, built] = await Promise.all([typecheck.done, verify.done, build.done]);

process.stdout.write(`\n> tsc --noEmit (beside vitest): ${typed === 0 ? 'ok' : 'FAILED'}\n`);
process.stdout.write(typecheck.output());
process.stdout.write(`\n> npm run verify (beside vitest; the suite's line after it)\n`);
process.stdout.write(verify.output());
process.stdout.write(
  `\n> npm run build (the real sst build, offline, beside vitest): ${built === 0 ? 'ok' : 'FAILED'}\n`,
);
process.stdout.write(build.output());
process.exit([tests, typed, verified, built].find((code) => code !== 0) ?? 0);
