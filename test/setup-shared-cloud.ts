import { afterAll } from 'vitest';
import { resetApprovalSecret } from '../aws/approval-secret.js';
import { configureClients } from '../aws/clients.js';
import { configureSlack } from '../aws/slack.js';
import { resetRefusalSampler } from '../functions/lib/refusals.js';
import { virtualDateInstalled } from '../local/simulator/virtual-date.js';
import { awaitStrayCloud, STRAY_CLOUD_LIMIT_MS } from './helpers/stray-cloud.js';

/**
 * The setup of the `cloud` and `scenarios` projects (vitest.config.ts), whose files share one module registry per
 * worker: after each file, first no local cloud may still be running (a cloud installs a virtual `Date` from its
 * start until it stops, local/simulator/virtual-date.ts): a simulation whose `beforeAll` ran out of time goes on in
 * the background, so the worker waits for it to end and the file fails, naming itself (test/helpers/stray-cloud.ts);
 * the next file never runs beside it. Then the module-level state of ours that a file in a process of its own would
 * have started without. The local cloud undoes its own when it stops (the SDK clients' settings, Slack's, the
 * function environment, the virtual date); this also covers a file that configured clients by hand or stopped
 * early, and the per-process caches of the functions (the approval key's versions, the refusal sampler's minute),
 * which a new execution environment starts without. vitest runs a setup file's `afterAll` after the file's own
 * (hooks unwind as a stack).
 */
// biome-ignore lint/correctness/noEmptyPattern: vitest reads a hook's first parameter as fixtures: it must be a pattern
afterAll(async ({}, file) => {
  try {
    await awaitStrayCloud(file.name, virtualDateInstalled);
  } finally {
    configureClients({});
    configureSlack({});
    resetApprovalSecret();
    resetRefusalSampler();
  }
}, STRAY_CLOUD_LIMIT_MS + 10_000);
