import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { type CommandOutput, captureOutput } from '../helpers/output.js';
import { al2023Image, catalogInput, devThenApprovedProd, PATCH_DAY_SCHEDULE } from './helpers.js';

/**
 * The end-of-run audit fails (`simulate` exits 1, naming each problem) when work the ledger records is not there in
 * the fakes, on one patch-day base in us-east-1 over three and a half days (its build on Thursday 14 January, 03:00):
 * a dead letter nothing recovers, a revocation recorded and not carried out, a build Image Builder finished that the
 * ledger does not, a function left stopped. The clean run beside it, with a malformed event someone outside put on
 * the bus, ends ok: the refusal is counted, not a failure.
 */
const goldsmith = (args: string[]) => captureOutput(() => main(args));
let root: string;

interface Report {
  consistency: { ok: boolean; problems: string[]; recovering?: string[]; checks: Record<string, number> };
  rejectedEvents: { reason: string }[];
}

async function simulate(name: string, events: unknown[], faults: unknown = {}): Promise<CommandOutput> {
  const scenario = join(root, `${name}.json`);
  const window = { start: '2027-01-13T00:00:00Z', until: '2027-01-16T12:00:00Z', organization: { accountsPerOu: 1 } };
  writeFileSync(scenario, JSON.stringify({ ...window, approvals: 'auto', events, faults }));
  return goldsmith(['simulate', '--config', join(root, 'catalog.json'), '--scenario', scenario, '--json']);
}

const reportOf = (out: CommandOutput) => JSON.parse(out.stdout) as Report;

let clean: CommandOutput;
let broken: CommandOutput;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'goldsmith-audit-teeth-'));
  const base = al2023Image({
    regions: ['us-east-1'],
    schedule: PATCH_DAY_SCHEDULE,
    triggers: { baseImage: false, packages: [] },
  });
  writeFileSync(join(root, 'catalog.json'), JSON.stringify(catalogInput({ base }, devThenApprovedProd())));
  clean = await simulate('clean', [
    // An Image Builder state change on-image-event cannot parse, put by someone outside: refused by design.
    {
      at: '2027-01-14T10:00:00Z',
      event: { source: 'aws.imagebuilder', 'detail-type': 'EC2 Image Builder Image State Change', detail: {} },
    },
  ]);
  broken = await simulate(
    'broken',
    [
      // Every daily sweep fails, each through Lambda's three attempts: dead letters nothing recovers.
      { at: '2027-01-13T12:00:00Z', kind: 'handler-fails', function: 'LifecycleSweep', times: 9 },
      // The build's state changes are lost to the ledger, and the reconciler that would level them fails too.
      { at: '2027-01-13T12:00:00Z', kind: 'handler-fails', function: 'OnImageEvent', times: 12 },
      { at: '2027-01-13T12:00:00Z', kind: 'handler-fails', function: 'Reconcile', times: 45 },
      // Revoked while SNS is down to the end: recorded, never announced.
      { at: '2027-01-15T12:00:00Z', kind: 'revoke', image: 'base', version: '1.0.0/1', reason: 'audit test' },
      // Someone's own code in the publisher: the functions' daily audit stops it, and nobody restarts it.
      {
        at: '2027-01-14T12:00:00Z',
        kind: 'outside-change',
        action: 'update-function-code',
        handler: 'functions/promotion/publish.handler',
      },
    ],
    { outages: [{ service: 'sns', from: '2027-01-15T11:00:00Z', until: '2027-01-17T00:00:00Z' }] },
  );
}, 600_000);

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('the consistency audit with teeth', () => {
  it('ends the clean run ok, exit 0, counting the outside refusal without calling it a failure', () => {
    expect(clean.code).toBe(0);
    const report = reportOf(clean);
    expect(report.consistency.problems).toEqual([]);
    expect(report.rejectedEvents.map((e) => e.reason)).toEqual([expect.stringContaining('MalformedEventError')]);
    expect(report.consistency.checks).toMatchObject({
      'dead-letters-recovered': 0,
      'build-states-agree': 1,
      'pointers-match-ledger': 2,
    });
    expect(report.consistency.checks['functions-running']).toBeGreaterThan(20);
  });

  it('exits 1 naming each problem: the dead letters, the revocation, the build, the stopped function', () => {
    expect(broken.code).toBe(1);
    const { problems } = reportOf(broken).consistency;
    expect(problems).toContainEqual(
      expect.stringMatching(
        /^LifecycleSweep on the input \{"lifecycle":"sweep"\}, dead-lettered at .*: not recovered within 25 hours$/,
      ),
    );
    expect(problems).toContainEqual(
      expect.stringMatching(/^revoked base 1\.0\.0\/1 \(recorded at .*\): not announced/),
    );
    expect(problems).toContainEqual(
      expect.stringMatching(
        /^build base 1\.0\.0\/1: AVAILABLE in Image Builder since 2027-01-14T03:5\d.*, \w+ in the ledger$/,
      ),
    );
    expect(problems).toContainEqual(
      expect.stringMatching(/^function PromotionPublish\w* is stopped \(reserved concurrency 0\)/),
    );
  });
});
