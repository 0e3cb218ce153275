import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogFile } from '../../cli/load-catalog.js';
import { main } from '../../cli/main.js';
import { actByReplay } from '../../cli/operator/local-act.js';
import { readCloud } from '../../cli/operator/saved-cloud-file.js';
import { nextRequestId, readState, type SavedState, stateDigest } from '../../cli/operator/saved-state.js';
import { localPrincipal } from '../../cli/operator/send.js';
import { scenarioSchema } from '../../local/simulator/scenario.js';
import { openSession } from '../../local/simulator/session.js';
import { captureOutput } from '../helpers/output.js';
import { REPO_ROOT } from './helpers.js';

const LONG = 900_000;
const SAVED_AT = '2027-01-06T12:00:00.000Z';

/**
 * Five and a half days of the default catalog with nobody approving: at the save base 1.0.0/1 waits for its prod
 * approval and web-runtime's builds soak (running executions, their waits on the clock).
 */
const SCENARIO = {
  start: '2027-01-01T00:00:00Z',
  until: SAVED_AT,
  organization: { accountsPerOu: 1 },
  approvals: 'none',
  seed: 5,
  events: [
    {
      at: '2027-01-01T01:00:00Z',
      kind: 'base-image-release',
      parameter: '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64',
    },
    { at: '2027-01-05T06:00:00Z', kind: 'build', image: 'web-runtime', reason: 'in soak at the save' },
  ],
};

const goldsmith = (args: string[]) => captureOutput(() => main(args));
const stateIn = (dir: string) => JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as SavedState;
/** What a saved cloud shows and answers: its snapshot, virtual time and operator exchanges. */
const shown = (dir: string) => {
  const { snapshot, savedAt, operator } = stateIn(dir);
  return { snapshot, savedAt, operator };
};

let root: string;
let saved: string;
const copy = (name: string) => {
  const dir = join(root, name);
  cpSync(saved, dir, { recursive: true });
  return dir;
};

/** The old path, kept callable: the same request on a replay of the saved cloud. */
async function replayed(dir: string, request: Record<string, unknown>, as?: string) {
  const state = await readState(dir);
  const catalog = await loadCatalogFile(state.catalogFile);
  const where = { kind: 'local' as const, dir, state, catalog, as };
  const principal = localPrincipal(catalog, as);
  return actByReplay(where, { request, principal, id: nextRequestId(state), digest: await stateDigest(dir) });
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'goldsmith-snapshot-acting-'));
  const scenarioFile = join(root, 'scenario.json');
  writeFileSync(scenarioFile, JSON.stringify(SCENARIO));
  saved = join(root, 'saved');
  const { stderr } = await goldsmith(['simulate', '--scenario', scenarioFile, '--save', saved, '--json']);
  expect(stderr).toContain(`saved the local cloud at ${SAVED_AT}`);
}, LONG);

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('an acting command opens the saved cloud and does what a replay of it does', () => {
  it('is saved with its cloud state: an approval waiting and builds in soak', () => {
    const state = stateIn(saved);
    expect(state.cloud).toEqual({ file: expect.stringMatching(/^cloud-/), sha256: expect.any(String) });
    expect(state.snapshot.executions.filter((e) => e.status === 'RUNNING').length).toBeGreaterThanOrEqual(2);
  });

  it(
    'approve: the same answer, and the same ledger, pointers, executions, builds and AMIs after',
    async () => {
      const opened = copy('approve-opened');
      const replay = copy('approve-replayed');
      const { code, stdout, stderr } = await goldsmith([
        'approve',
        'base',
        'prod',
        '--as',
        'ops-lead',
        '--local',
        opened,
        '--json',
      ]);
      expect(stderr).not.toContain('replaying');
      expect(code).toBe(0);
      const answer = await replayed(replay, { action: 'approve', image: 'base', channel: 'prod' }, 'ops-lead');
      expect(JSON.parse(stdout)).toEqual({ status: answer.status, ...answer.response });
      expect(shown(opened)).toEqual(shown(replay));
      expect(shown(opened).snapshot.pointers['base/prod']).toBeDefined();
    },
    LONG,
  );

  it(
    'revoke: the same answer, and the same saved cloud after',
    async () => {
      const opened = copy('revoke-opened');
      const replay = copy('revoke-replayed');
      const args = [
        'revoke',
        'base',
        '1.0.0/1',
        '--reason',
        'CVE-2027-0001',
        '--withdraw',
        '--local',
        opened,
        '--json',
      ];
      const { code, stdout } = await goldsmith(args);
      expect(code).toBe(0);
      const request = { action: 'revoke', image: 'base', version: '1.0.0/1', reason: 'CVE-2027-0001', withdraw: true };
      const answer = await replayed(replay, request);
      expect(JSON.parse(stdout)).toEqual({ status: answer.status, ...answer.response });
      expect(shown(opened)).toEqual(shown(replay));
    },
    LONG,
  );

  it(
    'rotate-signing-key: both signing keys rotated through the operator endpoint, for an operator only',
    async () => {
      const dir = copy('rotate');
      const refused = await goldsmith(['rotate-signing-key', '--as', 'ops-lead', '--local', dir]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/^goldsmith rotate-signing-key: /);
      const { code, stdout } = await goldsmith([
        'rotate-signing-key',
        '--reason',
        'first deployed with 0.1.0',
        '--local',
        dir,
      ]);
      expect(code).toBe(0);
      expect(stdout).toContain('rotated goldsmith/local/approval-links, goldsmith/local/approval-decisions');
    },
    LONG,
  );

  it(
    'opening replays nothing: no clock item runs and no function is invoked before the request',
    async () => {
      const state = await readState(saved);
      const ref = state.cloud;
      if (!ref || !('file' in ref)) throw new Error('no cloud state');
      const cloudState = await readCloud(saved, ref, state.savedAt);
      const catalog = await loadCatalogFile(state.catalogFile);
      const scenario = scenarioSchema.parse({ ...state.scenario, until: state.savedAt });
      const session = await openSession(catalog, scenario, REPO_ROOT, cloudState);
      try {
        expect(session.steps()).toBe(0);
        expect(session.now()).toBe(SAVED_AT);
        const invocations = session.cloud.invoker.invocations;
        await session.cloud.clock.settle();
        expect(session.cloud.invoker.invocations).toBe(invocations);
      } finally {
        await session.stop();
      }
    },
    LONG,
  );

  it(
    "a request whose answer takes time: the stacks' schedules due at the saved instant still run at that instant",
    async () => {
      const state = await readState(saved);
      const ref = state.cloud;
      if (!ref || !('file' in ref)) throw new Error('no cloud state');
      const cloudState = await readCloud(saved, ref, state.savedAt);
      const catalog = await loadCatalogFile(state.catalogFile);
      // Half the calls to the stand-ins for AWS are throttled: the request's answer waits on the SDK's backoffs.
      const scenario = scenarioSchema.parse({ ...state.scenario, until: state.savedAt, faults: { throttleRate: 0.5 } });
      const session = await openSession(catalog, scenario, REPO_ROOT, cloudState);
      try {
        const { invoker, clock } = session.cloud;
        const deliveries: { label: string; at: string }[] = [];
        const deliver = invoker.deliverAsync.bind(invoker);
        invoker.deliverAsync = (arn, event, label) => {
          deliveries.push({ label, at: clock.iso() });
          deliver(arn, event, label);
        };
        const request = { action: 'build', image: 'base', reason: 'the answer waits on backoffs' };
        const { exchange } = await session.act(request, localPrincipal(catalog, undefined), 'cli-throttled');
        expect(exchange?.at).toBe(SAVED_AT);
        expect(session.cloud.installed.stats.faults.retried).toBeGreaterThan(0);
        const scheduled = deliveries.filter((d) => d.label.startsWith('schedule '));
        // The hourly ones (the base-image watch, the reconciler, the health gauges) are due at 12:00.
        expect(scheduled.map((d) => d.label)).toEqual(
          expect.arrayContaining(['schedule WatchBaseImagesSchedule', 'schedule ReconcileSchedule']),
        );
        expect(new Set(scheduled.map((d) => d.at))).toEqual(new Set([SAVED_AT]));
      } finally {
        await session.stop();
      }
    },
    LONG,
  );

  it(
    'a save that could not be a snapshot replays, saying once why',
    async () => {
      const dir = copy('fallback');
      const state = stateIn(dir);
      const reason = 'the save held "a closure", which a snapshot cannot hold yet';
      writeFileSync(join(dir, 'state.json'), JSON.stringify({ ...state, cloud: { replay: reason } }));
      const { code, stderr } = await goldsmith(['approve', 'base', 'prod', '--as', 'ops-lead', '--local', dir]);
      expect(code).toBe(0);
      expect(stderr.split('\n').filter((l) => l.startsWith('replaying:'))).toEqual([`replaying: ${reason}`]);
    },
    LONG,
  );

  it('a save of the older format is refused, naming both formats', async () => {
    const dir = copy('older');
    writeFileSync(join(dir, 'state.json'), JSON.stringify({ ...stateIn(dir), format: 2 }));
    const { code, stderr } = await goldsmith(['approve', 'base', 'prod', '--as', 'ops-lead', '--local', dir]);
    expect(code).not.toBe(0);
    expect(stderr).toContain('was saved by an older Goldsmith (format 2; this one reads format 3)');
  });
});

describe('simulate --resume opens the saved cloud and goes on as the straight run does', () => {
  it(
    'holds the same ledger, pointers, builds and executions a day on',
    async () => {
      const until = '2027-01-07T12:00:00.000Z';
      const resumed = copy('resumed');
      const { stderr } = await goldsmith(['simulate', '--resume', resumed, '--until', until, '--json']);
      expect(stderr).not.toContain('replaying');
      const scenarioFile = join(root, 'straight.json');
      writeFileSync(scenarioFile, JSON.stringify({ ...SCENARIO, until }));
      const straight = join(root, 'straight');
      await goldsmith(['simulate', '--scenario', scenarioFile, '--save', straight, '--json']);
      const a = stateIn(resumed).snapshot;
      const b = stateIn(straight).snapshot;
      expect(a.at).toBe(until);
      expect({ ...a, amis: undefined }).toEqual({ ...b, amis: undefined });
      expect(a.amis).toEqual(b.amis);
    },
    LONG,
  );
});
