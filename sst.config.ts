import type { SSTConfig } from 'sst';

export default {
  config() {
    return { name: 'goldsmith', region: process.env.AWS_REGION ?? 'us-east-1' };
  },
  async stacks(app) {
    app.setDefaultFunctionProps({
      runtime: 'nodejs22.x',
      architecture: 'arm_64',
      tracing: 'active',
      nodejs: { format: 'esm', minify: true, esbuild: { mainFields: ['module', 'main'] } },
    });
  },
} satisfies SSTConfig;
