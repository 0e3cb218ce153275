#!/usr/bin/env node
// `npm run bench`: registers tsx (as bin/goldsmith.mjs does) so the TypeScript benchmarks load directly.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../bench/main.ts');
process.exitCode = await main(process.argv.slice(2));
