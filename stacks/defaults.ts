import type { FunctionProps } from 'sst/constructs';
import { functionEsbuildOptions } from './bundling.js';

/** Every function's defaults (sst.config.ts sets them on the app; the offline synthesis for validate does too). */
export function defaultFunctionProps(): FunctionProps {
  return {
    runtime: 'nodejs22.x',
    architecture: 'arm_64',
    tracing: 'active',
    nodejs: { format: 'esm', minify: true, esbuild: functionEsbuildOptions() },
  };
}
