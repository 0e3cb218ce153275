import { afterAll } from 'vitest';
import { resetApprovalSecret } from '../aws/approval-secret.js';
import { configureClients } from '../aws/clients.js';
import { configureSlack } from '../aws/slack.js';
import { resetRefusalSampler } from '../functions/lib/refusals.js';

/**
 * The setup of the `cloud` project (vitest.config.ts), whose files share one module registry per worker: after each
 * file, the module-level state of ours that a file in a process of its own would have started without. The local
 * cloud undoes its own when it stops (the SDK clients' settings, Slack's, the function environment, the virtual
 * date); this also covers a file that configured clients by hand or stopped early, and the per-process caches of
 * the functions (the approval key's versions, the refusal sampler's minute), which a new execution environment
 * starts without. vitest runs a setup file's `afterAll` after the file's own (hooks unwind as a stack).
 */
afterAll(() => {
  configureClients({});
  configureSlack({});
  resetApprovalSecret();
  resetRefusalSampler();
});
