import { join } from 'node:path';
import { stagedBundles } from './build/bundles.js';
import { compareWithInProcess } from './build/in-process.js';
import { BUILD_REGION, sstBuild } from './build/offline.js';
import { validateTemplate } from './readiness/cfn-schema.js';
import { gateDoorLines, gateDoorReport } from './readiness/gate-doors.js';
import { actionProblem, actionsOf, policyStatements } from './readiness/iam-actions.js';
import { memberTemplateProblems, memberTemplatesOf } from './readiness/member-template.js';
import { nagTemplates } from './readiness/nag.js';

/**
 * `npm run build`: the real `sst build` offline (scripts/build/offline.ts), then the readiness checks on what it
 * wrote, so what is checked is what would deploy: registry schemas, IAM actions and cdk-nag over the factory's
 * templates and over the member template each StackSet carries; then the comparison with the in-process synthesis
 * that the local cloud and the stack tests run (scripts/build/compare.ts). `npm test` runs it beside vitest.
 */
const ROOT = new URL('../', import.meta.url).pathname;
const stage = process.argv[2] ?? 'build';
const started = performance.now();
const templates = await sstBuild(ROOT, stage);
const seconds = ((performance.now() - started) / 1000).toFixed(1);
process.stdout.write(`sst build --stage ${stage}: ${templates.size} templates in .sst/dist (${seconds} s)\n`);

const problems: string[] = [];
const bundles = stagedBundles(join(ROOT, '.sst', 'dist'), templates as never);
const largest = bundles.sizes[0];
process.stdout.write(
  `sst build: ${bundles.sizes.length} function bundles staged; largest ${largest ? `${largest.fn} ${largest.bytes.toLocaleString('en-US')} bytes` : 'none'} (limit 1,048,576)\n`,
);
problems.push(...bundles.problems);
const members = memberTemplatesOf(templates);
problems.push(...members.problems.map((p) => `stackset ${p}`));
const checked = new Map<string, { Resources?: object }>(templates);
for (const m of members.found) {
  problems.push(...memberTemplateProblems(m).map((p) => `stackset ${p}`));
  checked.set(m.name, m.template);
}
process.stdout.write(
  `sst build: member templates carried by StackSets: ${members.found.map((m) => `${m.name} ${Buffer.byteLength(m.body)} bytes`).join(', ') || 'none'}\n`,
);

let validated = 0;
let actions = 0;
for (const [stack, t] of checked) {
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
const nag = await nagTemplates(checked);
problems.push(...nag.findings.map((f) => `cdk-nag ${f.stack}/${f.resource} ${f.rule}`));
for (const line of gateDoorLines('sst build', gateDoorReport(templates))) {
  process.stdout.write(`${line.name}: ${line.figure}\n`);
  problems.push(...line.problems.map((p) => `gate ${p}`));
}
process.stdout.write(
  `resources validated: ${validated}; IAM actions checked: ${actions}; cdk-nag: ${nag.findings.length} unsuppressed, ${nag.suppressed.length} suppressed\n`,
);

const comparison = await compareWithInProcess(ROOT, templates, { stage, region: BUILD_REGION });
const counted = Object.entries(comparison.documented)
  .map(([kind, n]) => `${kind} ${n}`)
  .join(', ');
process.stdout.write(
  `sst build against the in-process synthesis: ${comparison.drifts.length} undocumented differences (documented: ${counted})\n`,
);
problems.push(...comparison.drifts.map((d) => `drift ${d}`));

for (const p of problems) process.stdout.write(`  ${p}\n`);
process.exitCode = problems.length > 0 ? 1 : 0;
