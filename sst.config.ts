import type { SSTConfig } from 'sst';
import { useProject } from 'sst/project.js';
import { GOLDSMITH_STACKS } from './stacks/app.js';
import { loadCatalog } from './stacks/catalog.js';
import { defaultFunctionProps } from './stacks/defaults.js';

export default {
  config() {
    return { name: 'goldsmith', region: process.env.AWS_REGION ?? 'us-east-1' };
  },
  async stacks(app) {
    app.setDefaultFunctionProps(defaultFunctionProps());
    // The catalog is validated in full before any stack is defined: a bad catalog fails the deploy naming the field.
    await loadCatalog(useProject().paths.root);
    for (const stack of GOLDSMITH_STACKS) app.stack(stack);
  },
} satisfies SSTConfig;
