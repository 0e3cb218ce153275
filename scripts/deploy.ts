import { runDeploy } from './deploy/run.js';
import { deploySteps } from './deploy/steps.js';

// `npm run deploy -- --stage STAGE [sst deploy options]`: the credentials, then `goldsmith preflight --stage STAGE`,
// then `sst deploy`, then whether the deploy happened, read from the stage (scripts/deploy/run.ts; docs/deploy.md).
const code = await runDeploy(process.argv.slice(2), deploySteps(), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
});
// Ended explicitly once the output is flushed: an STS request abandoned at the bound may hold a socket open.
const flushed: string = '../bin/exit-flushed.mjs';
const { exitFlushed } = (await import(flushed)) as { exitFlushed: (code: number) => Promise<never> };
await exitFlushed(code);
