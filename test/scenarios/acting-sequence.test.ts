import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogFile } from '../../cli/load-catalog.js';
import { main } from '../../cli/main.js';
import type { SavedState } from '../../cli/operator/saved-state.js';
import { seededRandom } from '../../local/fakes/common.js';
import { simulate } from '../../local/simulator/index.js';
import { reportSchema } from '../../local/simulator/report-schema.js';
import { scenarioSchema } from '../../local/simulator/scenario.js';
import { captureOutput } from '../helpers/output.js';
import { THROTTLED_NEW_YEAR_RELEASE } from './helpers.js';

const LONG = 900_000;

/**
 * Acting commands on one saved cloud, one after another, each loading the cloud afresh as a new process would.
 * The cloud throttles a fifth of its AWS calls: a request's work then waits on the clock (the SDK backs off), so an
 * answer that takes longer than the instant it was sent at is the common case here, not the exception.
 */
const SCENARIO = {
  ...THROTTLED_NEW_YEAR_RELEASE,
  until: '2027-01-12T12:00:00Z',
  events: [
    ...THROTTLED_NEW_YEAR_RELEASE.events,
    {
      at: '2027-01-05T06:00:00Z',
      kind: 'operator',
      request: { action: 'approve', image: 'base', channel: 'prod' },
      as: 'arn:aws:iam::123456789012:role/ops-lead',
    },
    {
      at: '2027-01-07T06:00:00Z',
      kind: 'operator',
      request: { action: 'approve', image: 'web-runtime', channel: 'prod' },
      as: 'arn:aws:iam::123456789012:role/ops-lead',
    },
  ],
};

let root: string;
let saved: string;
/** What `simulate --json` printed for the saved run. */
let printed: string;

const goldsmith = (args: string[]) => captureOutput(() => main(args));
const stateIn = (dir: string) => readFileSync(join(dir, 'state.json'), 'utf8');
const ledgerIn = (dir: string) => (JSON.parse(stateIn(dir)) as SavedState).snapshot.ledger;

interface Answer {
  ok: boolean;
  result?: Record<string, unknown>;
  error?: string;
}

/** Runs an acting command with --json against `dir`; returns its exit code and answer. */
async function act(dir: string, args: string[]): Promise<{ code: number; answer?: Answer; stderr: string }> {
  const { code, stdout, stderr } = await goldsmith([...args, '--local', dir, '--json']);
  return { code, stderr, ...(stdout.trim() ? { answer: JSON.parse(stdout) as Answer } : {}) };
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'goldsmith-acting-'));
  const scenarioFile = join(root, 'scenario.json');
  writeFileSync(scenarioFile, JSON.stringify(SCENARIO));
  saved = join(root, 'saved');
  const { stdout, stderr } = await goldsmith(['simulate', '--scenario', scenarioFile, '--save', saved, '--json']);
  expect(stderr).toContain('saved the local cloud at 2027-01-12T12:00:00.000Z');
  printed = stdout;
}, LONG);

describe('simulate --json', () => {
  it('prints a report that fits the published schema (docs/schemas/report.schema.json), every field named there', () => {
    const checked = reportSchema.safeParse(JSON.parse(printed));
    expect(checked.error?.issues ?? []).toEqual([]);
  });
});

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('acting commands on a saved cloud answer for themselves and save all of their work', () => {
  it(
    'promote, approve, rollback, revoke: each prints its own answer; the revocation is saved with its roll-backs',
    async () => {
      const dir = join(root, 'sequence');
      cpSync(saved, dir, { recursive: true });

      const promote = await act(dir, ['promote', 'web-runtime', 'staging']);
      expect(promote.code, promote.stderr).toBe(0);
      expect(promote.answer?.result).toMatchObject({
        image: 'web-runtime',
        version: '1.0.0/2',
        channel: 'staging',
        soakEndedEarly: true,
      });

      const approve = await act(dir, ['approve', 'web-runtime', 'prod', '--as', 'ops-lead']);
      expect(approve.code, approve.stderr).toBe(0);
      expect(approve.answer?.result).toMatchObject({
        image: 'web-runtime',
        version: '1.0.0/2',
        channel: 'prod',
        by: 'ops-lead',
      });

      const rollback = await act(dir, ['rollback', 'web-runtime', 'prod']);
      expect(rollback.code, rollback.stderr).toBe(0);
      expect(rollback.answer?.result).toMatchObject({
        outcome: 'rolled-back',
        image: 'web-runtime',
        channel: 'prod',
        from: '1.0.0/2',
        to: '1.0.0/1',
      });

      const revoke = await act(dir, ['revoke', 'base', '1.0.0/1', '--reason', 'x', '--withdraw']);
      expect(revoke.code, revoke.stderr).toBe(0);
      expect(revoke.answer?.result).toMatchObject({ image: 'base', version: '1.0.0/1', alreadyRevoked: false });
      expect(revoke.answer?.result).not.toHaveProperty('outcome');

      // Saved at once, not on a later --resume: the revocation and every pointer it withdrew.
      const ledger = ledgerIn(dir);
      expect(ledger).toContainEqual(
        expect.objectContaining({ pk: 'IMAGE#base', sk: 'REVOCATION#1.0.0/1', state: 'revoked' }),
      );
      expect(ledger.filter((i) => i.pk === 'IMAGE#base' && String(i.sk).startsWith('CHANNEL#'))).toEqual([]);
      const status = await goldsmith(['status', '--local', dir, '--json']);
      const images = (
        JSON.parse(status.stdout) as { images: { image: string; channels: { pointer?: { version: string } }[] }[] }
      ).images;
      expect(images.find((i) => i.image === 'base')?.channels.map((c) => c.pointer?.version)).toEqual([
        undefined,
        undefined,
        undefined,
      ]);
      expect(images.find((i) => i.image === 'web-runtime')?.channels.map((c) => c.pointer?.version)).toEqual([
        '1.0.0/2',
        '1.0.0/2',
        '1.0.0/1',
      ]);
    },
    LONG,
  );
});

const IMAGES = ['base', 'hardened', 'web-runtime'];
const CHANNELS = ['dev', 'staging', 'prod'];

/** One acting command, drawn at random: what `act` runs, and how its successful answer must look. */
function drawCommand(next: () => number): { args: string[]; expected: Record<string, unknown> } {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T;
  const image = pick(IMAGES);
  const channel = pick(CHANNELS);
  const version = pick(['1.0.0/1', '1.0.0/2']);
  switch (pick(['build', 'promote', 'approve', 'reject', 'rollback', 'revoke', 'revoke-at'] as const)) {
    case 'build':
      return { args: ['build', image, '--reason', 'drawn'], expected: { image, decisions: expect.any(Array) } };
    case 'promote':
      return { args: ['promote', image, channel], expected: { image, channel, soakEndedEarly: true } };
    case 'approve':
      return { args: ['approve', image, channel, '--as', 'ops-lead'], expected: { image, channel, by: 'ops-lead' } };
    case 'reject':
      return {
        args: ['reject', image, channel, '--as', 'security-reviewer', '--reason', 'drawn'],
        expected: { image, channel, by: 'security-reviewer' },
      };
    case 'rollback':
      return { args: ['rollback', image, channel], expected: { outcome: 'rolled-back', image, channel } };
    case 'revoke':
      return {
        args: ['revoke', image, version, '--reason', 'drawn', '--withdraw'],
        expected: { image, version, alreadyRevoked: expect.any(Boolean) },
      };
    default:
      return {
        args: ['revoke', image, version, '--reason', 'drawn', '--at', '2027-02-01T00:00:00Z'],
        expected: { image, version, scheduledFor: expect.stringMatching(/^2027-02-01T00:00/) },
      };
  }
}

/**
 * The ledger as state: the random identifiers AWS and Goldsmith mint (task tokens, approval ids, the keys of sent
 * notifications and Slack posts) differ between any two runs and are left out; everything else must match.
 */
const decisions = (ledger: Record<string, unknown>[]) =>
  ledger
    .filter((i) => i.pk !== 'SLACK' && !String(i.pk).startsWith('NOTIFY#'))
    // Attributes in name order: two runs may write one item's attributes in another order (concurrent updates).
    .map(({ taskToken: _t, approvalId: _a, ...rest }) =>
      JSON.stringify(Object.fromEntries(Object.entries(rest).sort(([a], [b]) => a.localeCompare(b)))),
    )
    .sort();

// Each command that reaches the endpoint opens the saved cloud (its scenario throttles, and the save is a snapshot
// all the same); the count keeps `npm test` within its time budget. GOLDSMITH_ACTING_COMMANDS=N runs another length.
const COUNT = Number(process.env.GOLDSMITH_ACTING_COMMANDS ?? 30);

describe('a seeded random sequence of acting commands on one saved cloud', () => {
  it(
    `${COUNT} commands: each answer is its own, refusals change nothing, and the saved cloud equals a live run of them`,
    async () => {
      const dir = join(root, 'random');
      cpSync(saved, dir, { recursive: true });
      const next = seededRandom(26);
      let acted = 0;
      for (let n = 0; n < COUNT; n++) {
        const { args, expected } = drawCommand(next);
        const before = stateIn(dir);
        const { code, answer, stderr } = await act(dir, args);
        if (code !== 0) {
          // A refusal: one line naming why, and the saved cloud untouched.
          expect(answer?.ok ?? false, `${args.join(' ')}: ${stderr}`).toBe(false);
          expect(stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
          expect(stateIn(dir), args.join(' ')).toBe(before);
          continue;
        }
        acted++;
        expect(answer?.result, args.join(' ')).toMatchObject(expected);
        // What was saved records this request with the answer printed.
        const state = JSON.parse(stateIn(dir)) as SavedState;
        const last = state.operator.at(-1);
        expect(last?.request.image, args.join(' ')).toBe(args[1]);
        expect(last?.response.result, args.join(' ')).toEqual(answer?.result);
      }
      expect(acted).toBeGreaterThan(0);

      // A cloud that took the same commands live: one run of the scenario with every request at its instant.
      const state = JSON.parse(stateIn(dir)) as SavedState;
      const catalog = await loadCatalogFile(state.catalogFile);
      const live = await simulate(catalog, scenarioSchema.parse(state.scenario), dirname(state.catalogFile), {
        snapshot: true,
      });
      expect(live.snapshot?.at).toBe(state.savedAt);
      expect(decisions(live.snapshot?.ledger ?? [])).toEqual(decisions(state.snapshot.ledger));
      expect(live.snapshot?.pointers).toEqual(state.snapshot.pointers);
      expect(live.snapshot?.amis).toEqual(state.snapshot.amis);
    },
    LONG,
  );
});
