import {
  ConflictException,
  ResourceNotFoundException,
  SchedulerServiceException,
  ValidationException,
} from '@aws-sdk/client-scheduler';
import type { Remake } from '../clock.js';
import { errorFactory, type FakeCall, type FakeService, NotImplementedByFakeError } from './common.js';

/**
 * EventBridge Scheduler's schedules API for one-time (`at()`) schedules that invoke one of our Lambda functions
 * (https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateSchedule.html, API_GetSchedule.html,
 * API_DeleteSchedule.html). CreateSchedule checks what AWS checks (name and group patterns, the expression, the
 * flexible time window, the target, ActionAfterCompletion), answers ConflictException (409) for a name its group
 * already has and ResourceNotFoundException (404) for a group that does not exist. At the due time on the virtual
 * clock the target is invoked asynchronously with the schedule's Input, as Scheduler invokes Lambda targets
 * (InvocationType Event), and a schedule with `ActionAfterCompletion: DELETE` is deleted. Local checks AWS makes
 * elsewhere: the execution role must be one the synthesized stacks define. Rate and cron schedules, time zones
 * other than UTC, and schedule groups' own API are not implemented (NotImplementedByFakeError).
 */

const error = errorFactory(SchedulerServiceException);
const NAME = /^[0-9a-zA-Z\-_.]{1,64}$/;
const AT = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/;
const LAMBDA_ARN = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9-_]+$/;

/** One schedule as GetSchedule answers it. */
export interface FakeSchedule {
  Arn: string;
  Name: string;
  GroupName: string;
  ScheduleExpression: string;
  ScheduleExpressionTimezone: string;
  FlexibleTimeWindow: { Mode: string; MaximumWindowInMinutes?: number };
  ActionAfterCompletion: 'NONE' | 'DELETE';
  State: 'ENABLED' | 'DISABLED';
  Description?: string;
  Target: { Arn: string; RoleArn: string; Input?: string };
  CreationDate: Date;
  LastModificationDate: Date;
}

export interface SchedulerFakeOptions {
  accountId: string;
  region: string;
  now: () => number;
  /** Runs `fn` at virtual time `at`; answers a handle that can cancel it. */
  schedule: (at: number, label: string, fn: () => void, remake?: Remake) => { cancel(): void };
  /** The schedule groups the stacks create (`default` always exists). */
  groups: Iterable<string>;
  /** True for a role ARN the synthesized stacks define. */
  roleExists: (arn: string) => boolean;
  /** Invokes one of our functions asynchronously (Lambda's Event invocation: retries, on-failure destination). */
  invokeAsync: (functionArn: string, payload: unknown, label: string) => void;
  /**
   * The execution role's checks for a new schedule: a refusal when the caller may not pass the role, and whether
   * Scheduler may assume it for this schedule's ARN (its trust policy), which decides every run.
   */
  checkRole?: (roleArn: string, scheduleArn: string) => Promise<{ refusal?: Error; assumable: boolean }>;
}

/** A run Scheduler could not make: the execution role's trust did not admit the schedule. */
export interface RefusedRun {
  at: string;
  schedule: string;
  role: string;
}

/** The instant an `at()` expression names (UTC), or undefined if it is malformed or names no real date. */
function atInstant(expression: string): number | undefined {
  const m = AT.exec(expression);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const at = Date.UTC(y, mo - 1, d, h, mi, s);
  return new Date(at).toISOString().slice(0, 19) === expression.slice(3, -1) ? at : undefined;
}

export class SchedulerFake implements FakeService {
  private readonly groups: Set<string>;
  private readonly schedules = new Map<
    string,
    { schedule: FakeSchedule; timer: { cancel(): void }; assumable: boolean }
  >();
  /** Invocations made (target ARN, schedule name), for tests and the report. */
  readonly invocations: { at: string; schedule: string; target: string }[] = [];
  /** Runs that did not invoke their target: Scheduler could not assume the execution role. */
  readonly refusedRuns: RefusedRun[] = [];

  constructor(private readonly opts: SchedulerFakeOptions) {
    this.groups = new Set(['default', ...opts.groups]);
  }

  handle(call: FakeCall): unknown {
    switch (call.action) {
      case 'CreateSchedule':
        return this.create(call.input);
      case 'GetSchedule':
        return this.get(call.input);
      case 'DeleteSchedule':
        return this.delete(call.input);
      default:
        throw new NotImplementedByFakeError('scheduler', call.action);
    }
  }

  /** Every schedule now, by `group/name`. */
  list(): FakeSchedule[] {
    return [...this.schedules.values()].map((s) => s.schedule);
  }

  private key(input: Record<string, unknown>): { group: string; name: string; key: string } {
    const name = String(input.Name ?? '');
    const group = input.GroupName === undefined ? 'default' : String(input.GroupName);
    if (!NAME.test(name)) throw error(ValidationException, `1 validation error detected: Value '${name}' at 'name'`);
    if (!NAME.test(group)) {
      throw error(ValidationException, `1 validation error detected: Value '${group}' at 'groupName'`);
    }
    if (!this.groups.has(group)) throw error(ResourceNotFoundException, `Schedule group ${group} does not exist.`, 404);
    return { group, name, key: `${group}/${name}` };
  }

  private create(input: Record<string, unknown>): { ScheduleArn: string } | Promise<{ ScheduleArn: string }> {
    const made = this.prepare(input);
    const check = this.opts.checkRole;
    if (!check) return this.store(made, true);
    return check(made.schedule.Target.RoleArn, made.schedule.Arn).then((verdict) => {
      if (verdict.refusal) throw verdict.refusal;
      return this.store(made, verdict.assumable);
    });
  }

  private prepare(input: Record<string, unknown>): { key: string; name: string; due: number; schedule: FakeSchedule } {
    const { group, name, key } = this.key(input);
    const expression = String(input.ScheduleExpression ?? '');
    if (/^(rate|cron)\(/.test(expression)) throw new NotImplementedByFakeError('scheduler', 'rate and cron schedules');
    const due = atInstant(expression);
    if (due === undefined) throw error(ValidationException, `Invalid Schedule Expression ${expression}.`);
    const zone = input.ScheduleExpressionTimezone === undefined ? 'UTC' : String(input.ScheduleExpressionTimezone);
    if (zone !== 'UTC' && zone !== 'Etc/UTC') throw new NotImplementedByFakeError('scheduler', `time zone ${zone}`);
    const window = input.FlexibleTimeWindow as { Mode?: string; MaximumWindowInMinutes?: number } | undefined;
    if (!window || (window.Mode !== 'OFF' && window.Mode !== 'FLEXIBLE')) {
      throw error(ValidationException, 'FlexibleTimeWindow.Mode must be OFF or FLEXIBLE.');
    }
    if (window.Mode === 'FLEXIBLE') throw new NotImplementedByFakeError('scheduler', 'flexible time windows');
    if (window.MaximumWindowInMinutes !== undefined) {
      throw error(ValidationException, 'MaximumWindowInMinutes is only allowed when Mode is FLEXIBLE.');
    }
    const after = input.ActionAfterCompletion === undefined ? 'NONE' : String(input.ActionAfterCompletion);
    if (after !== 'NONE' && after !== 'DELETE') {
      throw error(ValidationException, `ActionAfterCompletion must be NONE or DELETE, not ${after}.`);
    }
    const state = input.State === undefined ? 'ENABLED' : String(input.State);
    if (state !== 'ENABLED' && state !== 'DISABLED') throw error(ValidationException, `Invalid State ${state}.`);
    const target = input.Target as { Arn?: string; RoleArn?: string; Input?: string } | undefined;
    if (!target?.Arn || !target.RoleArn)
      throw error(ValidationException, 'Target.Arn and Target.RoleArn are required.');
    if (!LAMBDA_ARN.test(target.Arn)) throw new NotImplementedByFakeError('scheduler', `targets other than Lambda`);
    if (!this.opts.roleExists(target.RoleArn)) {
      throw error(ValidationException, `The execution role ${target.RoleArn} is not a role the stacks define.`);
    }
    if (target.Input !== undefined) {
      try {
        JSON.parse(target.Input);
      } catch {
        throw error(ValidationException, 'Target.Input must be valid JSON for a Lambda target.');
      }
    }
    const now = this.opts.now();
    // A one-time schedule whose time has passed is refused when it is created.
    if (due < Math.floor(now / 1000) * 1000) {
      throw error(ValidationException, `The schedule expression ${expression} is in the past.`);
    }
    const arn = `arn:aws:scheduler:${this.opts.region}:${this.opts.accountId}:schedule/${group}/${name}`;
    const schedule: FakeSchedule = {
      Arn: arn,
      Name: name,
      GroupName: group,
      ScheduleExpression: expression,
      ScheduleExpressionTimezone: zone,
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: after as FakeSchedule['ActionAfterCompletion'],
      State: state as FakeSchedule['State'],
      ...(input.Description === undefined ? {} : { Description: String(input.Description) }),
      Target: {
        Arn: target.Arn,
        RoleArn: target.RoleArn,
        ...(target.Input === undefined ? {} : { Input: target.Input }),
      },
      CreationDate: new Date(now),
      LastModificationDate: new Date(now),
    };
    return { key, name, due, schedule };
  }

  private store(made: { key: string; name: string; due: number; schedule: FakeSchedule }, assumable: boolean) {
    const { key, name, due, schedule } = made;
    if (this.schedules.has(key)) throw error(ConflictException, `Schedule ${name} already exists.`, 409);
    const timer = this.arm(key, due);
    this.schedules.set(key, { schedule, timer, assumable });
    return { ScheduleArn: schedule.Arn };
  }

  private arm(key: string, due: number): { cancel(): void } {
    return this.opts.schedule(due, `scheduler ${key}`, () => this.fire(key), { kind: 'scheduler', data: key });
  }

  /** After a saved state was loaded into this fake: no schedule holds a timer until `rearm` arms its run again. */
  dropTimers(): void {
    for (const entry of this.schedules.values()) entry.timer = { cancel: () => undefined };
  }

  /** A saved cloud's pending run of schedule `key` (from the saved clock), armed again at `at`. */
  rearm(key: string, at: number): void {
    const entry = this.schedules.get(key);
    if (!entry) throw new Error(`no schedule ${key} to run`);
    entry.timer = this.arm(key, at);
  }

  private fire(key: string): void {
    const entry = this.schedules.get(key);
    if (!entry) return;
    const { schedule } = entry;
    // The role is looked up again when the schedule runs, not only at creation: a role a deploy replaced or deleted
    // since (a new ARN) cannot be assumed. Scheduler retries the run (RetryPolicy: up to 185 attempts within at most
    // 24 hours), then drops it or sends it to the target's dead-letter queue; Goldsmith's schedules set neither, so
    // the run is lost. https://docs.aws.amazon.com/scheduler/latest/APIReference/API_RetryPolicy.html
    if (schedule.State === 'ENABLED' && (!entry.assumable || !this.opts.roleExists(schedule.Target.RoleArn))) {
      // sts:AssumeRole refused: Scheduler cannot act as the role, so the target is never invoked.
      this.refusedRuns.push({
        at: new Date(this.opts.now()).toISOString(),
        schedule: key,
        role: schedule.Target.RoleArn,
      });
    } else if (schedule.State === 'ENABLED') {
      const payload = schedule.Target.Input === undefined ? {} : JSON.parse(schedule.Target.Input);
      this.invocations.push({
        at: new Date(this.opts.now()).toISOString(),
        schedule: key,
        target: schedule.Target.Arn,
      });
      this.opts.invokeAsync(schedule.Target.Arn, payload, `schedule ${key}`);
    }
    if (schedule.ActionAfterCompletion === 'DELETE') this.schedules.delete(key);
  }

  private get(input: Record<string, unknown>): FakeSchedule {
    const { name, key } = this.key(input);
    const entry = this.schedules.get(key);
    if (!entry) throw error(ResourceNotFoundException, `Schedule ${name} does not exist.`, 404);
    return structuredClone(entry.schedule);
  }

  private delete(input: Record<string, unknown>): Record<string, never> {
    const { name, key } = this.key(input);
    const entry = this.schedules.get(key);
    if (!entry) throw error(ResourceNotFoundException, `Schedule ${name} does not exist.`, 404);
    entry.timer.cancel();
    this.schedules.delete(key);
    return {};
  }
}
