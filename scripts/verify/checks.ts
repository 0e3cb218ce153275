import type { CatalogInput } from '../../core/config/schema.js';
import { parseCatalogInput } from '../../stacks/catalog.js';
import { type SynthesizedApp, synthesizeApp } from '../../test/stacks/readiness/synth.js';
import { requestsFor } from '../readiness/call-resources.js';
import { validateTemplate } from '../readiness/cfn-schema.js';
import { gateDoorLines, gateDoorReport } from '../readiness/gate-doors.js';
import { actionProblem, actionsOf, policyStatements } from '../readiness/iam-actions.js';
import { nagTemplates } from '../readiness/nag.js';
import { DeployResolver, rolePolicies, SIMULATED_ACCOUNT, simulate } from '../readiness/role-simulation.js';
import { handlerEntry, sdkCallsOf } from '../readiness/sdk-calls.js';
import { memberBaselineLine } from './member-baseline.js';
import { UNUSED_ALLOWED, unusedAllowed } from './unused-allowlist.js';

/** One line of `npm run verify`: a check, its figure, and the problems that fail it. */
export interface CheckLine {
  name: string;
  figure: string;
  problems: string[];
}

const REGION = 'us-east-1';
/** Granted to every function by SST/CDK for logs and tracing, never called by our code. */
const RUNTIME_ACTIONS = /^(xray|logs):/;

/** Every readiness check over one catalog's synthesized app. */
export async function checkApp(label: string, catalog: CatalogInput, root: string): Promise<CheckLine[]> {
  const app: SynthesizedApp = await synthesizeApp(catalog);
  const templates = [...app.templates.values()];

  let validated = 0;
  const schemaProblems: string[] = [];
  for (const [stack, t] of app.templates) {
    const v = validateTemplate(t as never);
    validated += v.validated;
    schemaProblems.push(...v.problems.map((p) => `${stack}/${p}`));
  }

  let actions = 0;
  const actionProblems: string[] = [];
  for (const [stack, t] of app.templates) {
    for (const found of policyStatements(t as never)) {
      for (const action of actionsOf(found.statement)) {
        actions++;
        const problem = await actionProblem(action);
        if (problem) actionProblems.push(`${stack}/${found.logicalId} ${found.path}: ${problem}`);
      }
    }
  }

  const parsed = parseCatalogInput(catalog, root);
  const resolver = new DeployResolver(templates, REGION);
  let simulated = 0;
  const denied: string[] = [];
  const unused: string[] = [];
  for (const fn of app.functions) {
    const { file, exportName } = handlerEntry(root, fn.handler);
    const called = new Set(sdkCallsOf(file, exportName).map((c) => c.action));
    const props = resolver.properties(fn.logicalId) as { Environment?: { Variables?: Record<string, string> } };
    const site = {
      env: props.Environment?.Variables ?? {},
      catalog: parsed,
      region: REGION,
      account: SIMULATED_ACCOUNT,
    };
    const policies = rolePolicies(resolver, fn.roleLogicalId);
    const roleArn = resolver.arn(fn.roleLogicalId);
    for (const action of called) {
      const requests = requestsFor(action, site);
      if (!requests) {
        denied.push(`${fn.handler}: ${action}: no resource rule in scripts/readiness/call-resources.ts`);
        continue;
      }
      for (const request of requests) {
        simulated++;
        const result = await simulate(roleArn, policies, request, resolver.keyPolicyFor(request.resource));
        if (result !== 'Allowed') denied.push(`${fn.handler}: ${action} on ${request.resource}: ${result}`);
      }
    }
    const granted = policies.flatMap((p) =>
      (p.policy.Statement as { Effect?: string; Action?: unknown }[])
        .filter((s) => s.Effect === 'Allow')
        .flatMap((s) => actionsOf(s)),
    );
    for (const action of new Set(granted)) {
      if (RUNTIME_ACTIONS.test(action) || action.includes('*')) continue;
      if (called.has(action) || unusedAllowed(fn.handler, action)) continue;
      unused.push(`${fn.handler}: ${action}`);
    }
  }

  const member = await memberBaselineLine(label, app.templates);
  const nag = await nagTemplates(app.templates);
  const doors = gateDoorReport(app.templates);
  return [
    {
      name: `${label}: resources validated against CloudFormation registry schemas`,
      figure: `${validated} resources, ${schemaProblems.length} problems`,
      problems: schemaProblems,
    },
    {
      name: `${label}: IAM actions checked against AWS's IAM data`,
      figure: `${actions} actions, ${actionProblems.length} unknown`,
      problems: actionProblems,
    },
    {
      name: `${label}: function calls simulated against their roles`,
      figure: `${simulated} calls, ${denied.length} denied`,
      problems: denied,
    },
    {
      name: `${label}: permissions granted but never used by the function's code`,
      figure: `${unused.length} beyond the ${UNUSED_ALLOWED.length} allowed in scripts/verify/unused-allowlist.ts`,
      // A grant no code uses fails: remove it, or allow it there with the reason AWS needs it.
      problems: unused,
    },
    member,
    ...gateDoorLines(label, doors),
    {
      name: `${label}: cdk-nag AwsSolutions findings`,
      figure: `${nag.findings.length} unsuppressed, ${nag.suppressed.length} suppressed with reasons, ${nag.resources} resources`,
      problems: nag.findings.map((f) => `${f.stack}/${f.resource} ${f.rule}: ${f.message.split('\n')[0]}`),
    },
  ];
}
