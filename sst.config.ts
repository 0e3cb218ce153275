import type { SSTConfig } from 'sst';
import { useProject } from 'sst/project.js';
import { headCommit } from './cli/checkout.js';
import { GOLDSMITH_STACKS } from './stacks/app.js';
import { loadCatalog } from './stacks/catalog.js';
import { defaultFunctionProps } from './stacks/defaults.js';
import { COMMIT_CONTEXT } from './stacks/trust/release.js';

export default {
  config() {
    return { name: 'goldsmith', region: process.env.AWS_REGION ?? 'us-east-1' };
  },
  async stacks(app) {
    // The commit every stack records (GoldsmithCommit), read from SST's app root: `sst build` and `sst deploy` run
    // this file bundled into .sst.config.*.mjs, so a path relative to this module would name another place.
    const root = useProject().paths.root;
    app.node.setContext(COMMIT_CONTEXT, headCommit(root) ?? 'unknown');
    app.setDefaultFunctionProps(defaultFunctionProps());
    // The catalog is validated in full before any stack is defined: a bad catalog fails the deploy naming the field.
    await loadCatalog(root);
    for (const stack of GOLDSMITH_STACKS) app.stack(stack);
  },
} satisfies SSTConfig;
