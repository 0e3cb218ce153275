import { describe, expect, it } from 'vitest';
import { historyOf } from '../../../cli/operator/ledger-history.js';
import { channelRollouts } from '../../../cli/operator/read.js';
import { renderHistory, renderStatus } from '../../../cli/operator/render.js';
import { renderRolloutStatus } from '../../../cli/operator/rollout-text.js';
import { rolloutOf, rolloutRefusal } from '../../../core/rollout/operator.js';
import { rolloutHistory } from '../../../core/status/rollout-history.js';
import { rolloutRecordOf } from '../../../core/status/rollout-records.js';
import { rolloutStatusLine } from '../../../core/status/rollout-view.js';
import { rolloutGroup, rolloutRecord } from '../../fixtures/rollouts.js';

const ALICE = 'arn:aws:sts::111122223333:assumed-role/goldsmith-prod-operators/alice';

const group = rolloutGroup;
const running = rolloutRecord;

describe('status: one line per channel with a rollout in flight', () => {
  it('names the wave under way, its groups done, the wave before and when it was healthy', () => {
    expect(rolloutStatusLine(running())).toBe(
      'rollout 1.0.0/3: wave 2/3 (wave-1) refreshing 2/3 groups done, canary healthy 2027-01-05 09:12',
    );
  });

  it('says who paused it, since when and why, counts failed refreshes and skipped groups', () => {
    const paused = running({
      state: 'paused',
      by: ALICE,
      reason: 'peak trading week',
      operatorActions: [{ action: 'pause', by: ALICE, at: '2027-01-05T09:40:00.000Z', reason: 'peak trading week' }],
      skippedGroups: [{ account: '555555555555', region: 'eu-west-1', group: 'batch', reason: 'resolve:ssm: AMI' }],
    });
    paused.waves[1]?.groups.push(group('666666666666', 'Failed', 'alarm app-5xx in ALARM'));

    expect(rolloutStatusLine(paused)).toBe(
      'rollout 1.0.0/3: wave 2/3 (wave-1) refreshing 2/4 groups done, 1 failed, canary healthy 2027-01-05 09:12; ' +
        `paused by ${ALICE} since 2027-01-05 09:40: peak trading week; 1 group skipped`,
    );
  });

  it('renders the line of the rollout in flight under its channel, not an older ended one', () => {
    const items = [
      {
        sk: 'ROLLOUT#prod#1.0.0/2',
        ...running({ version: '1.0.0/2', state: 'completed', endedAt: '2027-01-04T00:00:00.000Z' }),
      },
      { sk: 'ROLLOUT#prod#1.0.0/3', ...running() },
    ];
    const rollouts = channelRollouts(items, ['dev', 'staging', 'prod']);
    expect(rollouts.map((r) => `${r.channel} ${r.version} ${r.state}`)).toEqual(['prod 1.0.0/3 running']);

    const text = renderStatus(
      [
        {
          image: 'base',
          builds: 3,
          channels: [{ channel: 'prod', lagBuilds: 0 }],
          inFlight: [],
          rollouts,
          cost: {
            currency: 'USD',
            buildsLast30Days: 0,
            buildCostLast30Days: 0,
            unfinishedLast30Days: 0,
            storagePerMonth: 0,
          },
        },
      ],
      new Date('2027-01-05T10:00:00Z'),
    );
    expect(text).toContain('\n  prod  — (never promoted)\n        rollout 1.0.0/3: wave 2/3 (wave-1) refreshing');
  });
});

describe("status: the channel's last rollout, once ended, in one line until a newer one starts", () => {
  const ended = (overrides: Parameters<typeof running>[0]) => {
    const r = running({ endedAt: '2027-01-07T10:12:00.000Z', openWork: undefined, ...overrides });
    for (const w of r.waves) {
      if (w.state === 'refreshing') w.state = 'healthy';
      if (w.state === 'pending' && r.state === 'completed') {
        Object.assign(w, {
          state: 'healthy',
          startedAt: '2027-01-06T09:00:00.000Z',
          groups: [group('555555555555', 'Successful')],
        });
      }
      for (const g of w.groups) if (r.state === 'completed') g.status = 'Successful';
    }
    return r;
  };

  it('tells a completed rollout: when, its waves and the groups it refreshed', () => {
    expect(rolloutStatusLine(ended({ state: 'completed', currentWave: 2 }))).toBe(
      'rollout 1.0.0/3: completed 2027-01-07 10:12, 3 waves, 5 groups refreshed',
    );
  });

  it('tells a halted rollout: the wave it stopped at, what it refreshed and rolled back, and why', () => {
    const halted = ended({ state: 'halted', reason: 'wave-1 failed: 1 of 3 refreshes Failed' });
    const wave = halted.waves[1];
    if (wave) wave.state = 'rolled-back';
    expect(rolloutStatusLine(halted)).toBe(
      'rollout 1.0.0/3: halted 2027-01-07 10:12 at wave 2/3 (wave-1), 1 group refreshed, 3 groups rolled back: ' +
        'wave-1 failed: 1 of 3 refreshes Failed',
    );
  });

  it('tells who aborted it, and a superseded one, with why', () => {
    expect(rolloutStatusLine(ended({ state: 'aborted', by: ALICE, reason: 'kernel regression' }))).toBe(
      `rollout 1.0.0/3: aborted by ${ALICE} 2027-01-07 10:12 at wave 2/3 (wave-1), 3 groups refreshed, 1 group cancelled: kernel regression`,
    );
    expect(rolloutStatusLine(ended({ state: 'superseded', reason: '1.0.0/3 revoked' }))).toBe(
      'rollout 1.0.0/3: superseded 2027-01-07 10:12 at wave 2/3 (wave-1), 3 groups refreshed: 1.0.0/3 revoked',
    );
  });

  it("status shows the last rollout's end under its channel until a newer rollout starts", () => {
    const done = { sk: 'ROLLOUT#prod#1.0.0/2', ...ended({ version: '1.0.0/2', state: 'completed', currentWave: 2 }) };
    expect(channelRollouts([done], ['dev', 'prod'])).toEqual([
      {
        channel: 'prod',
        version: '1.0.0/2',
        state: 'completed',
        line: 'rollout 1.0.0/2: completed 2027-01-07 10:12, 3 waves, 5 groups refreshed',
      },
    ]);
    const next = { sk: 'ROLLOUT#prod#1.0.0/3', ...running() };
    expect(channelRollouts([done, next], ['dev', 'prod']).map((r) => r.line)).toEqual([
      expect.stringMatching(/^rollout 1\.0\.0\/3: wave 2\/3 \(wave-1\) refreshing/),
    ]);
  });

  it('status shows no ended superseded rollout of a version the channel no longer names', () => {
    const done = { sk: 'ROLLOUT#prod#1.0.0/2', ...ended({ version: '1.0.0/2', state: 'completed', currentWave: 2 }) };
    const gone = ended({ version: '1.0.0/1', state: 'superseded', reason: 'rolled forward: undo' });
    const old = { sk: 'ROLLOUT#prod#1.0.0/1', ...gone, endedAt: '2027-01-08T10:00:00.000Z' };
    // Superseded last, it is the channel's rollout while prod names nothing newer than it…
    expect(channelRollouts([done, old], ['prod']).map((r) => r.version)).toEqual(['1.0.0/1']);
    // …and not once prod names 1.0.0/2: that version's rollout is shown, else none.
    expect(channelRollouts([done, old], ['prod'], { prod: '1.0.0/2' }).map((r) => r.version)).toEqual(['1.0.0/2']);
    expect(channelRollouts([old], ['prod'], { prod: '1.0.0/2' })).toEqual([]);
  });
});

describe('a wave no group follows: one line, in history and rollout status alike', () => {
  const withEmptyWave = () => {
    const r = running({ currentWave: 2 });
    const [, wave1, rest] = r.waves;
    if (wave1 && rest) {
      Object.assign(wave1, { state: 'healthy', endedAt: '2027-01-05T10:00:00.000Z' });
      Object.assign(rest, {
        state: 'skipped',
        startedAt: '2027-01-05T10:30:00.000Z',
        endedAt: '2027-01-05T10:30:00.000Z',
      });
    }
    return r;
  };

  it('history says the wave had nothing to refresh, once, and never that it started', () => {
    const lines = rolloutHistory(withEmptyWave()).filter((l) => l.what.includes('wave 3/3'));
    expect(lines.map((l) => `${l.at.slice(11, 16)} ${l.what}`)).toEqual([
      '10:30 rollout wave 3/3 (rest): no ready group follows base/prod — nothing to refresh',
    ]);
  });

  it('rollout status says it in the same words', () => {
    const text = renderRolloutStatus(withEmptyWave());
    expect(text).toContain('\n  wave 3/3 (rest): no ready group follows base/prod — nothing to refresh (');
    expect(text).not.toContain('rest: skipped');
  });
});

describe('history: a line per wave, halt, pause, resume, abort, completion and skipped groups', () => {
  it('tells a halted rollout in causal order: the failed wave before the halt', () => {
    const halted = running({
      state: 'halted',
      reason: 'wave-1 failed: 1 of 3 refreshes Failed',
      endedAt: '2027-01-05T11:00:00.000Z',
      openWork: undefined,
    });
    const wave = halted.waves[1];
    if (wave) {
      wave.state = 'failed';
      wave.endedAt = '2027-01-05T11:00:00.000Z';
      wave.groups[2] = group('444444444444', 'RollbackSuccessful', 'alarm app-5xx in ALARM');
    }
    const lines = historyOf([{ sk: 'ROLLOUT#prod#1.0.0/3', ...halted }], undefined, ['dev', 'prod']);

    expect(lines.map((l) => `${l.at.slice(11, 16)} ${l.what}`)).toEqual([
      '08:00 rollout wave 1/3 (canary) started: 1 group in 1 account(s)',
      '09:12 rollout wave 1/3 (canary) healthy: 1/1 group refreshed and baked',
      '09:12 rollout wave 2/3 (wave-1) started: 3 groups in 3 account(s)',
      '11:00 rollout wave 2/3 (wave-1) failed: 1/3 groups failed (web-444 in 444444444444 us-east-1: RollbackSuccessful, alarm app-5xx in ALARM)',
      '11:00 rollout halted: wave-1 failed: 1 of 3 refreshes Failed; rest will not start',
    ]);
    expect(lines.every((l) => l.version === '1.0.0/3' && l.channel === 'prod')).toBe(true);
  });

  it("tells each pause, resumption and the abort from the operator's log, and counts the skipped groups", () => {
    const aborted = running({
      state: 'aborted',
      by: ALICE,
      reason: 'kernel regression',
      endedAt: '2027-01-05T12:00:00.000Z',
      operatorActions: [
        { action: 'pause', by: ALICE, at: '2027-01-05T09:30:00.000Z', reason: 'peak trading week' },
        { action: 'resume', by: ALICE, at: '2027-01-05T10:30:00.000Z' },
        { action: 'abort', by: ALICE, at: '2027-01-05T12:00:00.000Z', reason: 'kernel regression' },
      ],
      skippedGroups: [
        {
          account: '555555555555',
          region: 'eu-west-1',
          group: 'batch',
          reason: 'its template names its AMI by resolve:ssm:',
        },
        {
          account: '666666666666',
          region: 'us-east-1',
          group: 'api',
          reason: 'mixed instances policy without one template',
        },
      ],
    });
    const lines = rolloutHistory(aborted).filter(
      (l) => l.kind !== 'ROLLOUT-WAVE-START' && l.kind !== 'ROLLOUT-WAVE-END',
    );

    expect(lines.map((l) => l.what)).toEqual([
      `rollout paused by ${ALICE}: peak trading week`,
      `rollout resumed by ${ALICE}`,
      `rollout aborted by ${ALICE}: kernel regression`,
      'rollout: 2 groups following the channel skipped (not refreshed)',
    ]);
    const entries = historyOf([{ sk: 'ROLLOUT#prod#1.0.0/3', ...aborted }], 'prod', ['prod']);
    const plain = renderHistory('base', entries);
    const verbose = renderHistory('base', entries, true);
    expect(plain).not.toContain('batch in 555555555555');
    expect(verbose).toContain(
      '2 groups following the channel skipped (not refreshed)\n' +
        `${' '.repeat(39)}batch in 555555555555 eu-west-1: its template names its AMI by resolve:ssm:\n` +
        `${' '.repeat(39)}api in 666666666666 us-east-1: mixed instances policy without one template\n`,
    );
  });

  it('places a completed rollout after the promotion that started it, and a superseded one after its roll-back', () => {
    const done = running({
      version: '1.0.0/2',
      state: 'completed',
      currentWave: 0,
      endedAt: '2027-01-06T00:00:00.000Z',
    });
    done.waves = [
      {
        name: 'all',
        state: 'healthy',
        startedAt: '2027-01-05T08:00:00.000Z',
        endedAt: '2027-01-06T00:00:00.000Z',
        groups: [group('111111111111', 'Successful')],
      },
    ];
    const superseded = running({
      state: 'superseded',
      reason: 'revoked (CVE-2027-0001)',
      endedAt: '2027-01-07T00:00:00.000Z',
      currentWave: 0,
    });
    superseded.waves = [{ name: 'all', state: 'refreshing', startedAt: '2027-01-07T00:00:00.000Z', groups: [] }];
    const items = [
      { sk: 'ROLLOUT#prod#1.0.0/3', ...superseded },
      { sk: 'ROLLOUT#prod#1.0.0/2', ...done },
      {
        sk: 'ROLLBACK#prod#1.0.0/3',
        channel: 'prod',
        from: '1.0.0/3',
        to: '1.0.0/2',
        reason: 'revoked (CVE-2027-0001)',
        by: ALICE,
        at: '2027-01-07T00:00:00.000Z',
      },
      {
        sk: 'PROMOTION#1.0.0/2#prod',
        version: '1.0.0/2',
        channel: 'prod',
        outcome: 'promoted',
        at: '2027-01-05T08:00:00.000Z',
      },
    ];

    expect(historyOf(items, undefined, ['prod']).map((l) => `${l.version} ${l.what}`)).toEqual([
      '1.0.0/2 promoted by goldsmith',
      '1.0.0/2 rollout wave 1/1 (all) started: 1 group in 1 account(s)',
      '1.0.0/2 rollout wave 1/1 (all) healthy: 1/1 group refreshed and baked',
      '1.0.0/2 rollout completed: 1 wave(s), 1 group refreshed',
      `1.0.0/3 pointer rolled back from 1.0.0/3 to 1.0.0/2 by ${ALICE}: revoked (CVE-2027-0001)`,
      '1.0.0/3 rollout superseded: revoked (CVE-2027-0001)',
      '1.0.0/3 rollout wave 1/1 (all) started: 0 groups in 0 account(s)',
    ]);
  });

  it('reads only items with the record shape', () => {
    expect(rolloutRecordOf({ sk: 'ROLLOUT#prod#1.0.0/3', image: 'base' })).toBeUndefined();
    expect(rolloutRecordOf({ ...running(), skippedGroups: undefined })?.skippedGroups).toEqual([]);
  });
});

describe('which rollout a command means, and why it cannot act', () => {
  const ended = running({
    version: '1.0.0/2',
    state: 'halted',
    endedAt: '2027-01-04T00:00:00.000Z',
    reason: 'canary failed',
  });

  it('takes the newest rollout not ended without a version, else the newest at all', () => {
    expect(rolloutOf([ended, running()], 'prod')?.version).toBe('1.0.0/3');
    expect(rolloutOf([running({ version: '1.0.0/10', state: 'completed' }), running()], 'prod')?.version).toBe(
      '1.0.0/3',
    );
    expect(rolloutOf([ended], 'prod')?.version).toBe('1.0.0/2');
    expect(rolloutOf([ended, running()], 'prod', '1.0.0/2')?.state).toBe('halted');
    expect(rolloutOf([running()], 'staging')).toBeUndefined();
  });

  it('lets pause act only on a running rollout, resume on a paused one, abort on either', () => {
    const subject = { image: 'base', channel: 'prod' };
    const paused = running({ state: 'paused', by: ALICE, updatedAt: '2027-01-05T09:40:00.000Z' });
    expect(rolloutRefusal('pause', subject, running())).toBeUndefined();
    expect(rolloutRefusal('abort', subject, running())).toBeUndefined();
    expect(rolloutRefusal('abort', subject, paused)).toBeUndefined();
    expect(rolloutRefusal('resume', subject, paused)).toBeUndefined();
    expect(rolloutRefusal('pause', subject, paused)).toBe(
      `the rollout of base 1.0.0/3 to prod is already paused by ${ALICE} since 2027-01-05T09:40:00.000Z`,
    );
    expect(rolloutRefusal('resume', { ...subject, version: '1.0.0/2' }, ended)).toBe(
      'the rollout of base 1.0.0/2 to prod already ended, halted at 2027-01-04T00:00:00.000Z: canary failed: nothing to resume',
    );
    expect(rolloutRefusal('abort', { ...subject, version: '1.0.0/9' }, undefined)).toBe(
      'there is no rollout of base 1.0.0/9 to prod: nothing to abort',
    );
  });
});
