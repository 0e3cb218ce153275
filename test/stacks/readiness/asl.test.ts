import { beforeAll, describe, expect, it } from 'vitest';
import exampleCatalog from '../../../goldsmith.config.js';
import { allStates, aslProblems, invokedFunction } from '../../../scripts/readiness/asl.js';
import { DeployResolver, rolePolicies, simulate } from '../../../scripts/readiness/role-simulation.js';
import { minimalCatalog } from '../helpers.js';
import { type SynthesizedApp, synthesizeApp } from './synth.js';

const REGION = 'us-east-1';
const apps: Record<string, SynthesizedApp> = {};

beforeAll(async () => {
  apps.example = await synthesizeApp(exampleCatalog);
  apps.minimal = await synthesizeApp(minimalCatalog());
}, 120_000);

interface Machine {
  resolver: DeployResolver;
  definition: unknown;
  roleArn: string;
  roleLogicalId: string;
}

/** Each state machine of the app, its definition resolved as a deploy would, and its role. */
function machines(app: SynthesizedApp): Machine[] {
  const resolver = new DeployResolver([...app.templates.values()], REGION);
  return [...app.templates.values()].flatMap((t) =>
    Object.entries(t.Resources)
      .filter(([, r]) => r.Type === 'AWS::StepFunctions::StateMachine')
      .map(([id]) => {
        const props = resolver.properties(id) as { DefinitionString: string };
        const role = t.Resources[id]?.Properties?.RoleArn as { 'Fn::GetAtt': [string, string] };
        const roleLogicalId = role['Fn::GetAtt'][0];
        return {
          resolver,
          definition: JSON.parse(props.DefinitionString),
          roleArn: resolver.arn(roleLogicalId),
          roleLogicalId,
        };
      }),
  );
}

describe('aslProblems', () => {
  it('accepts a minimal valid definition', () => {
    expect(aslProblems({ StartAt: 'A', States: { A: { Type: 'Pass', End: true } } })).toEqual([]);
  });

  it('reports a transition to a state that does not exist', () => {
    const problems = aslProblems({ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'B' } } });
    expect(problems).toContain("MISSING_TRANSITION_TARGET Missing 'StartAt'|'Next'|'Default' target: B");
  });

  it('reports a malformed Task resource ARN', () => {
    const problems = aslProblems({ StartAt: 'A', States: { A: { Type: 'Task', Resource: 'lambda-fn', End: true } } });
    expect(problems.length).toBeGreaterThan(0);
  });
});

describe('allStates', () => {
  it('finds states nested in Map item processors and Parallel branches', () => {
    const definition = {
      StartAt: 'M',
      States: {
        M: {
          Type: 'Map',
          ItemProcessor: { StartAt: 'Inner', States: { Inner: { Type: 'Pass', End: true } } },
          Next: 'P',
        },
        P: { Type: 'Parallel', Branches: [{ StartAt: 'B', States: { B: { Type: 'Succeed' } } }], End: true },
      },
    };
    expect(allStates(definition).map((s) => s.name)).toEqual(['M', 'Inner', 'P', 'B']);
  });
});

describe.each(['example', 'minimal'])('the state machines of the %s catalog app', (name) => {
  it('validate with asl-validator once intrinsics are resolved', () => {
    const found = machines(apps[name]!);
    expect(found.length).toBeGreaterThan(0);
    for (const machine of found) expect(aslProblems(machine.definition)).toEqual([]);
  });

  it("invoke only the app's functions, each one allowed by the state machine's role", async () => {
    const app = apps[name]!;
    const failures: string[] = [];
    for (const { resolver, definition, roleArn, roleLogicalId } of machines(app)) {
      const tasks = allStates(definition).filter(({ state }) => state.Type === 'Task');
      expect(tasks.length).toBeGreaterThan(0);
      const policies = rolePolicies(resolver, roleLogicalId);
      const known = new Set(app.functions.map((f) => resolver.arn(f.logicalId)));
      for (const { name: state, state: task } of tasks) {
        const fn = invokedFunction(task);
        if (!fn || !known.has(fn.replace(/:\$LATEST$/, ''))) {
          failures.push(`${state}: invokes ${fn ?? String(task.Resource)}, not a function of the app`);
          continue;
        }
        const result = await simulate(roleArn, policies, { action: 'lambda:InvokeFunction', resource: fn });
        if (result !== 'Allowed') failures.push(`${state}: lambda:InvokeFunction on ${fn}: ${result}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('put a timeout on every task that waits for a task token', () => {
    const waiting = machines(apps[name]!).flatMap(({ definition }) =>
      allStates(definition).filter(({ state }) => String(state.Resource ?? '').endsWith('.waitForTaskToken')),
    );
    expect(waiting.length > 0).toBe(name === 'example'); // only the example catalog has approval channels
    expect(waiting.filter(({ state }) => state.TimeoutSeconds === undefined && !state.TimeoutSecondsPath)).toEqual([]);
  });
});
