import { afterAll, vi } from 'vitest';
import { configureClients } from '../aws/clients.js';
import { forgetSinkClients } from '../aws/notifications/sink-clients.js';
import { resetApprovalSecret } from '../aws/promotion/approval-secret.js';
import { resetRefusalSampler } from '../functions/lib/refusals.js';
import { virtualDateInstalled } from '../local/simulator/virtual-date.js';
import { restoreClientMocks } from './helpers/mock-client.js';
import { awaitStrayCloud, STRAY_CLOUD_LIMIT_MS } from './helpers/stray-cloud.js';

/**
 * The process's own environment object, as the worker's first file found it: a running cloud puts a plain object in
 * its place (local/simulator/cloud-env.ts), and one left there would keep what a later file writes to `process.env`
 * (TMPDIR, say) from reaching the process's environment, which `os.tmpdir()` and child processes read.
 */
const worker = globalThis as { goldsmithProcessEnv?: NodeJS.ProcessEnv };
worker.goldsmithProcessEnv ??= process.env;
const processEnv = worker.goldsmithProcessEnv;

/** The environment as the file found it (vitest runs a setup file again before each file, shared or not). */
const environment = { ...process.env };

/** Puts `process.env` back as `before`: what the file added is deleted, what it changed or deleted is set again. */
function restoreEnvironment(before: Readonly<Record<string, string | undefined>>): void {
  for (const key of Object.keys(process.env)) if (!(key in before)) delete process.env[key];
  for (const [key, value] of Object.entries(before)) if (process.env[key] !== value) process.env[key] = value;
}

/**
 * The setup of the `cloud` and `scenarios` projects (vitest.config.ts), whose files share one module registry per
 * worker: after each file, first no local cloud may still be running (a cloud installs a virtual `Date` from its
 * start until it stops, local/simulator/virtual-date.ts): a simulation whose `beforeAll` ran out of time goes on in
 * the background, so the worker waits for it to end and the file fails, naming itself (test/helpers/stray-cloud.ts);
 * the next file never runs beside it. Then the module-level state of ours that a file in a process of its own would
 * have started without. The local cloud undoes its own when it stops (the SDK clients' settings, the notification
 * sinks' clients' (aws/notifications/sink-clients.ts), the function environment, the virtual date); this also covers
 * a file that configured clients by hand or stopped early, and the per-process caches of the functions (the approval key's versions, the refusal sampler's minute),
 * which a new execution environment starts without. vitest runs a setup file's `afterAll` after the file's own
 * (hooks unwind as a stack). A file may also stub SDK clients (test/helpers/mock-client.ts), fake the clock and set the
 * environment: those are undone here too.
 */
// biome-ignore lint/correctness/noEmptyPattern: vitest reads a hook's first parameter as fixtures: it must be a pattern
afterAll(async ({}, file) => {
  try {
    await awaitStrayCloud(file.name, virtualDateInstalled);
  } finally {
    // What a test file may change because it is undone here (test/isolation.ts's RESET_AFTER_EACH_FILE): the SDK
    // clients it stubbed, a faked clock, the environment (vitest restores its spies itself).
    restoreClientMocks();
    vi.useRealTimers();
    if (process.env !== processEnv) process.env = processEnv;
    restoreEnvironment(environment);
    configureClients({});
    forgetSinkClients();
    resetApprovalSecret();
    resetRefusalSampler();
  }
}, STRAY_CLOUD_LIMIT_MS + 10_000);
