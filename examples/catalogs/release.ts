import { defineConfig } from '../../core/config/define.js';
import rollout from './example-rollout.js';

/**
 * The catalog releases are compared with (test/stacks/release.test.ts, `npm run release:fixture`): the example
 * catalog with every conditional resource turned on: prod rolled out in waves (the rollout state machine and its
 * log groups), container images, the member baseline (its StackSet) and a security account as Inspector's
 * delegated administrator (the finding reads through its role).
 */
export default defineConfig({
  ...rollout,
  organization: { ...rollout.organization, inspectorAdministrator: '444455556666' },
});
