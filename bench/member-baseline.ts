import * as z from 'zod';

/**
 * The member baseline's work in a benchmark run: what StackSets did in the member accounts on Goldsmith's behalf
 * (the report's `memberBaseline` section). It is AWS's work, not Goldsmith's calls: CloudFormation runs each stack
 * instance with the StackSets service roles, and each instance's custom resource calls IAM and KMS as the member
 * account's own function, billed and throttled in that account and Region. None of it is in `apiCalls` (the
 * requests Goldsmith's functions send), so it never counts in the calls per promotion; it is printed apart.
 */
export interface MemberBaselineWork {
  /** Stack instances of the stack set at the end, and how many are CURRENT. */
  instances: number;
  current: number;
  /** Stacks deployed from the template by the teams of accounts named outside the targeted OUs. */
  byHand: number;
  /** The Auto Scaling grants the instances' custom resources created on the AMI keys. */
  grants: number;
  /** Accounts holding the rollout role. */
  rolloutRoles: number;
  /** Virtual minutes from the run's start to the last stack finishing, and to the last grant in force. */
  minutesToCurrent: number | null;
  minutesToGrantsInForce: number | null;
}

const stack = z.object({ status: z.string(), at: z.string() });
const sectionSchema = z.object({
  scenario: z.object({ start: z.string() }),
  memberBaseline: z.object({
    instances: z.array(stack),
    byHand: z.array(stack),
    rolloutRoles: z.array(z.string()),
    grants: z.array(z.object({ inForceAt: z.string() })),
  }),
});

const minutesAfter = (start: number, instants: readonly string[]): number | null => {
  if (instants.length === 0) return null;
  const last = instants.reduce((max, at) => Math.max(max, Date.parse(at)), Number.NEGATIVE_INFINITY);
  return Math.round(((last - start) / 60_000) * 10) / 10;
};

/** The baseline's work from a simulate() report; null when the report has no member baseline (it is disabled). */
export function memberBaselineWork(report: unknown): MemberBaselineWork | null {
  const parsed = sectionSchema.safeParse(report);
  if (!parsed.success) return null;
  const { scenario, memberBaseline: b } = parsed.data;
  const start = Date.parse(scenario.start);
  return {
    instances: b.instances.length,
    current: b.instances.filter((i) => i.status === 'CURRENT').length,
    byHand: b.byHand.length,
    grants: b.grants.length,
    rolloutRoles: b.rolloutRoles.length,
    minutesToCurrent: minutesAfter(
      start,
      [...b.instances, ...b.byHand].map((i) => i.at),
    ),
    minutesToGrantsInForce: minutesAfter(
      start,
      b.grants.map((g) => g.inForceAt),
    ),
  };
}

const n = (v: number) => v.toLocaleString('en-US');

/** The benchmark's line for the baseline's work, apart from Goldsmith's calls. */
export function memberBaselineLine(work: MemberBaselineWork | null): string {
  if (!work) return '  member baseline           none (organization.memberBaseline.enabled is false)';
  const late = (m: number | null) => (m === null ? 'n/a' : `${m} min`);
  return [
    `  member baseline           AWS's work on the members' behalf, not in the calls above: ${n(work.instances)} stack instances (${n(work.current)} CURRENT)`,
    `and ${n(work.byHand)} stacks deployed by hand; ${n(work.grants)} grants created, ${n(work.rolloutRoles)} rollout roles;`,
    `the last stack finished ${late(work.minutesToCurrent)} after the start, the last grant in force after ${late(work.minutesToGrantsInForce)}`,
  ].join(' ');
}
