#!/usr/bin/env node
// The `goldsmith` command: registers tsx so the TypeScript sources (and a goldsmith.config.ts) load directly.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
