import { sstBuild } from './build/offline.js';
import { validateTemplate } from './readiness/cfn-schema.js';
import { gateDoorLines, gateDoorReport } from './readiness/gate-doors.js';
import { actionProblem, actionsOf, policyStatements } from './readiness/iam-actions.js';
import { nagTemplates } from './readiness/nag.js';

/**
 * `npm run build`: the real `sst build` offline (scripts/build/offline.ts), then the readiness checks on what it
 * wrote, so what is checked is what would deploy: registry schemas, IAM actions and cdk-nag.
 */
const ROOT = new URL('../', import.meta.url).pathname;
const stage = process.argv[2] ?? 'build';
const started = performance.now();
const templates = await sstBuild(ROOT, stage);
const seconds = ((performance.now() - started) / 1000).toFixed(1);
process.stdout.write(`sst build --stage ${stage}: ${templates.size} templates in .sst/dist (${seconds} s)\n`);

const problems: string[] = [];
let validated = 0;
let actions = 0;
for (const [stack, t] of templates) {
  const v = validateTemplate(t as never);
  validated += v.validated;
  problems.push(...v.problems.map((p) => `schema ${stack}/${p}`));
  for (const found of policyStatements(t as never)) {
    for (const action of actionsOf(found.statement)) {
      actions++;
      const problem = await actionProblem(action);
      if (problem) problems.push(`iam ${stack}/${found.logicalId}: ${problem}`);
    }
  }
}
const nag = await nagTemplates(templates);
problems.push(...nag.findings.map((f) => `cdk-nag ${f.stack}/${f.resource} ${f.rule}`));
for (const line of gateDoorLines('sst build', gateDoorReport(templates))) {
  process.stdout.write(`${line.name}: ${line.figure}\n`);
  problems.push(...line.problems.map((p) => `gate ${p}`));
}
process.stdout.write(
  `resources validated: ${validated}; IAM actions checked: ${actions}; cdk-nag: ${nag.findings.length} unsuppressed, ${nag.suppressed.length} suppressed\n`,
);
for (const p of problems) process.stdout.write(`  ${p}\n`);
process.exitCode = problems.length > 0 ? 1 : 0;
