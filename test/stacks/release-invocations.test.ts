import { beforeAll, describe, expect, it } from 'vitest';
import type { StackTemplate } from '../../core/limits/index.js';
import { brokenInvocations, stateMachineInvocations } from '../../scripts/release/invocations.js';
import { recordedReleases, synthesized } from './release-helpers.js';

const PROMOTION = 'prod-goldsmith-Promotion';
type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

describe("a running execution of a recorded release keeps reaching its functions under main's templates", () => {
  let stacks: StackTemplate[];
  beforeAll(async () => {
    stacks = await synthesized();
  }, 120_000);
  const recorded = () => recordedReleases().filter((r) => r.invokes !== undefined);

  it('records, per state machine, the functions its definition invokes (0.2.0: promotion and rollout)', () => {
    const invokes = recordedReleases().find((r) => r.release === '0.2.0')?.invokes ?? {};
    const machines = Object.keys(invokes).map((m) => m.replace(/[0-9A-F]{8}$/, ''));
    expect(machines.sort()).toEqual([`${PROMOTION} PromotionStateMachine`, `${PROMOTION} RolloutStateMachine`]);
    expect(Object.values(invokes).every((fns) => fns.length > 0)).toBe(true);
  });

  it('keeps every function a recorded definition invokes deployed and granted to that state machine', () => {
    expect(recorded().length).toBeGreaterThan(0);
    for (const release of recorded())
      expect({ release: release.release, broken: brokenInvocations(release.invokes!, stacks) }).toEqual({
        release: release.release,
        broken: [],
      });
    // main's own definitions hold too.
    expect(brokenInvocations(stateMachineInvocations(stacks), stacks)).toEqual([]);
  });

  it('fails when main stops granting the role a function an old definition invokes, or removes the function', () => {
    const invokes = stateMachineInvocations(stacks);
    const [machine, functions] = Object.entries(invokes).find(([m]) => m.includes('PromotionStateMachine'))!;
    const fn = functions[0]!.split(' ')[1]!;
    const promotion = structuredClone(stacks.find((s) => s.stack === PROMOTION)!);
    const resources = promotion.template.Resources as Resources;
    // The new release's definition no longer calls fn: its role's policy drops the grant.
    for (const r of Object.values(resources)) {
      if (r.Type !== 'AWS::IAM::Policy') continue;
      const doc = r.Properties?.PolicyDocument as { Statement: { Resource?: unknown }[] };
      doc.Statement = doc.Statement.filter((s) => !JSON.stringify(s.Resource ?? '').includes(`"${fn}"`));
    }
    const next = stacks.map((s) => (s.stack === PROMOTION ? promotion : s));
    expect(brokenInvocations(invokes, next)).toEqual([
      `${machine} invokes ${PROMOTION} ${fn}: its role no longer allows lambda:InvokeFunction on it (AccessDenied)`,
    ]);
    delete resources[fn];
    expect(brokenInvocations(invokes, next)).toEqual([
      `${machine} invokes ${PROMOTION} ${fn}: the function is no longer deployed (a running execution fails there)`,
    ]);
  });
});
