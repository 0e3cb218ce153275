import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { main } from '../../../cli/main.js';
import { PREVIOUS_RELEASE } from '../../../cli/operator/saved-release.js';
import { STATE_FORMAT } from '../../../cli/operator/saved-state.js';
import { buildsPausedText, nothingSoakingText, nothingWaitingText } from '../../../core/promotion/operator-refusals.js';
import { GOLDSMITH_VERSION } from '../../../core/release/index.js';
import { breakerOf } from '../../../core/triggers/breaker.js';
import { iamRefusalText, notAnApproverText, notAnOperatorText } from '../../../core/trust/refusal-text.js';
import { captureOutput } from '../../helpers/output.js';
import { writeSavedCloud } from '../../helpers/saved-cloud.js';
import { testTempDir } from '../../helpers/temp-dir.js';

/** Every replay of a saved cloud goes through `simulate`: counted here, so a test sees that none happened. */
const replays = vi.hoisted(() => ({ count: 0 }));
vi.mock('../../../local/simulator/index.js', () => ({
  simulate: () => {
    replays.count++;
    throw new Error('a read of a saved cloud replayed it');
  },
}));

const REPO = join(import.meta.dirname, '../../..');
const AT = '2027-02-15T00:00:00.000Z';
const goldsmith = (args: string[]) => captureOutput(() => main(args));

const LEDGER = [
  {
    pk: 'IMAGE#base',
    sk: 'BUILD#1.0.0/1',
    kind: 'build',
    image: 'base',
    buildVersion: '1.0.0/1',
    status: 'AVAILABLE',
    trigger: 'schedule',
    requestedAt: '2027-02-11T03:00:00.000Z',
    updatedAt: '2027-02-11T05:00:00.000Z',
  },
  { pk: 'IMAGE#base', sk: 'CHANNEL#dev', version: '1.0.0/1', updatedAt: '2027-02-11T05:10:00.000Z' },
];

function savedCloud(): Promise<string> {
  return writeSavedCloud(join(testTempDir('goldsmith-open-'), 'cloud'), {
    catalogFile: join(REPO, 'goldsmith.config.ts'),
    at: AT,
    ledger: LEDGER,
  });
}

/** Rewrites the saved state with `change` applied, as another Goldsmith would have left it. */
function rewrite(dir: string, change: (state: Record<string, unknown>) => Record<string, unknown>): string {
  const file = join(dir, 'state.json');
  const text = JSON.stringify(change(JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>));
  writeFileSync(file, text);
  return text;
}

describe('a saved local cloud opens as saved', () => {
  it('status and history read it without replaying any of the run', async () => {
    const dir = await savedCloud();
    replays.count = 0;

    const status = await goldsmith(['status', '--local', dir, '--json']);
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ at: AT });
    const history = await goldsmith(['history', 'base', '--local', dir]);
    expect(history.code, history.stderr).toBe(0);
    expect(history.stdout).toContain('1.0.0/1');

    expect(replays.count).toBe(0);
  });

  it("refuses acting commands the saved ledger already answers, in the endpoint's words, without replaying", async () => {
    const breaker = {
      pk: 'IMAGE#base',
      sk: 'BREAKER',
      state: 'tripped',
      trippedAt: '2027-02-14T00:00:00.000Z',
      trippedBy: '1.0.0/4',
      failedBuilds: ['1.0.0/2', '1.0.0/3', '1.0.0/4'],
      threshold: 3,
    };
    const dir = await writeSavedCloud(join(testTempDir('goldsmith-open-'), 'cloud'), {
      catalogFile: join(REPO, 'goldsmith.config.ts'),
      at: AT,
      ledger: [...LEDGER, breaker],
    });
    const before = readFileSync(join(dir, 'state.json'), 'utf8');
    replays.count = 0;

    const build = await goldsmith(['build', 'base', '--reason', 'after the fix', '--local', dir]);
    expect(build.code).toBe(1);
    expect(build.stderr).toBe(`goldsmith build: ${buildsPausedText('base', breakerOf(breaker))}\n`);
    expect(build.stderr).toContain('builds paused: the last 3 builds failed in a row');
    const approve = await goldsmith(['approve', 'base', 'prod', '--as', 'ops-lead', '--local', dir]);
    expect(approve.code).toBe(1);
    expect(approve.stderr).toBe(`goldsmith approve: ${nothingWaitingText('base', undefined, 'prod')}\n`);
    const promote = await goldsmith(['promote', 'base', 'dev', '--local', dir]);
    expect(promote.stderr).toBe(`goldsmith promote: ${nothingSoakingText('base', undefined, 'dev')}\n`);

    expect(replays.count).toBe(0);
    expect(readFileSync(join(dir, 'state.json'), 'utf8')).toBe(before);
  });

  it('refuses a principal the catalog makes neither approver nor operator, as the endpoint would, without replaying', async () => {
    const dir = await savedCloud();
    const before = readFileSync(join(dir, 'state.json'), 'utf8');
    replays.count = 0;
    const stranger = 'arn:aws:iam::123456789012:role/stranger';
    const operatorSession = 'arn:aws:sts::123456789012:assumed-role/goldsmith-local-operators/platform-engineer';

    const approve = await goldsmith(['approve', 'base', 'prod', '--as', stranger, '--local', dir]);
    expect(approve.code).toBe(1);
    expect(approve.stderr).toBe(
      `goldsmith approve: ${iamRefusalText('arn:aws:sts::123456789012:assumed-role/stranger/goldsmith-cli')}\n`,
    );
    const build = await goldsmith(['build', 'base', '--as', stranger, '--local', dir, '--json']);
    expect(build.code).toBe(1);
    expect(JSON.parse(build.stdout)).toMatchObject({ status: 403, ok: false });
    expect(build.stderr).toContain('stranger/goldsmith-cli may not invoke the operator endpoint (IAM: Forbidden)');
    // An approver is let in by IAM, but only to decide; an operator acts through the operators' role, never as an
    // approver: the endpoint's own words.
    const promote = await goldsmith(['promote', 'base', 'dev', '--as', 'ops-lead', '--local', dir]);
    expect(promote.stderr).toBe(
      `goldsmith promote: ${notAnOperatorText('promote', 'arn:aws:sts::123456789012:assumed-role/ops-lead/goldsmith-cli')}\n`,
    );
    const byOperator = await goldsmith(['approve', 'base', 'prod', '--as', 'platform-engineer', '--local', dir]);
    expect(byOperator.stderr).toBe(
      `goldsmith approve: ${notAnApproverText(operatorSession, 'base', 'prod', ['ops-lead', 'security-reviewer'])}\n`,
    );

    expect(replays.count).toBe(0);
    expect(readFileSync(join(dir, 'state.json'), 'utf8')).toBe(before);
  });

  it('refuses a cloud saved in an older format, naming the fix, and leaves it as it was', async () => {
    const dir = await savedCloud();
    const before = rewrite(dir, ({ identity: _, ...state }) => ({ ...state, format: 1 }));

    for (const args of [
      ['status', '--local', dir],
      ['history', 'base', '--local', dir],
      ['approve', 'base', 'prod', '--local', dir],
      ['simulate', '--resume', dir],
    ]) {
      const { code, stderr } = await goldsmith(args);
      expect(code, args.join(' ')).toBe(1);
      expect(stderr).toContain(
        `${dir} was saved by an older Goldsmith (format 1; this one reads format ${STATE_FORMAT})`,
      );
      expect(stderr).toContain(`re-run "goldsmith simulate --save ${dir}"`);
    }
    expect(readFileSync(join(dir, 'state.json'), 'utf8')).toBe(before);
    expect(replays.count).toBe(0);
  });

  it('refuses a cloud saved by other code to every command but an upgrade, rather than misreading its state', async () => {
    const dir = await savedCloud();
    rewrite(dir, (state) => ({ ...state, identity: { ...(state.identity as object), code: 'f'.repeat(64) } }));

    const { code, stderr } = await goldsmith(['status', '--local', dir]);

    expect(code).toBe(1);
    expect(stderr).toBe(
      `goldsmith status: ${dir} was saved by Goldsmith ${GOLDSMITH_VERSION} (other code than this ${GOLDSMITH_VERSION}'s): upgrade it first with "goldsmith simulate --resume ${dir}"\n`,
    );
  });

  it('refuses to upgrade a cloud whose release it cannot upgrade from, naming both releases in one line', async () => {
    const dir = await savedCloud();
    const before = rewrite(dir, (state) => ({
      ...state,
      identity: { ...(state.identity as object), code: 'f'.repeat(64), release: '0.1.0' },
    }));

    const { code, stderr } = await goldsmith(['simulate', '--resume', dir]);

    expect(code).toBe(1);
    expect(stderr).toBe(
      `goldsmith simulate: ${dir} was saved by Goldsmith 0.1.0; this ${GOLDSMITH_VERSION} upgrades a cloud saved by ${PREVIOUS_RELEASE === GOLDSMITH_VERSION ? GOLDSMITH_VERSION : `${PREVIOUS_RELEASE} or ${GOLDSMITH_VERSION}`} only: re-run "goldsmith simulate --save ${dir}"\n`,
    );
    expect(readFileSync(join(dir, 'state.json'), 'utf8')).toBe(before);
  });

  it('refuses a cloud opened with another catalog than the one it ran', async () => {
    const dir = await savedCloud();
    const other = join(REPO, 'examples/catalogs/twenty-images.json');

    const { code, stderr } = await goldsmith(['status', '--local', dir, '--config', other]);

    expect(code).toBe(1);
    expect(stderr).toContain(`${dir} was saved with another catalog than the one given`);
  });
});
