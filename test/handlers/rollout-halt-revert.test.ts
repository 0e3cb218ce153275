import { describe, expect, it } from 'vitest';
import { readRollout } from '../../aws/rollout/rollout-ledger.js';
import { renderRolloutStatus } from '../../cli/operator/rollout-text.js';
import type { RolloutRecord } from '../../core/rollout/record.js';
import { rolloutHistory } from '../../core/status/rollout-history.js';
import { rolloutStatusLine } from '../../core/status/rollout-view.js';
import { checkWave } from '../../functions/rollout/check.js';
import { startRollout } from '../../functions/rollout/start.js';
import { CANARY, followingGroup, INPUT, memberOf, published, useRolloutWorld } from './rollout-fixtures.js';

const record = () => readRollout(INPUT.image, INPUT.channel, INPUT.version);

/** Sets the status of the group's newest refresh (the fake lists them newest first), as Auto Scaling would report it. */
function refreshOf(group: string, status: string, reason?: string): void {
  const r = memberOf(CANARY).refreshes.find((x) => x.group === group);
  if (!r) throw new Error(`no refresh of ${group}`);
  r.status = status;
  if (reason) r.statusReason = reason;
  // A Successful refresh saves its desired configuration on the group (StartInstanceRefresh).
  const g = memberOf(CANARY).groups.find((x) => x.name === group);
  if (status === 'Successful' && r.desired && g?.template) {
    g.template = { id: r.desired.LaunchTemplateId, version: r.desired.Version };
  }
}

function canary(r: RolloutRecord | undefined) {
  const wave = r?.waves[0];
  if (!wave) throw new Error('no canary wave recorded');
  return wave;
}

describe("a halted wave's groups whose refresh had already succeeded", () => {
  useRolloutWorld();

  async function haltedWithTwoRefreshed(): Promise<void> {
    for (const name of ['web-a', 'web-b', 'web-c']) followingGroup(CANARY, name);
    await startRollout(INPUT);
    refreshOf('web-a', 'Successful');
    refreshOf('web-b', 'Successful');
    refreshOf('web-c', 'RollbackInProgress', 'Instances failed to pass the ELB health check');
    expect(await checkWave(INPUT)).toEqual({ done: false, state: 'halted', currentWave: 0 });
  }

  it('are recorded going back, and the wave ends rolled back, told once, counted as rolled back', async () => {
    await haltedWithTwoRefreshed();
    const halted = canary(await record());
    const backs = halted.groups.filter((g) => g.back).map((g) => [g.group, g.back?.version, g.back?.status]);
    expect(backs).toEqual([
      ['web-a', 3, 'Pending'],
      ['web-b', 3, 'Pending'],
    ]);
    // A retried step finds the refreshes it started instead of starting more.
    expect(await checkWave(INPUT)).toEqual({ done: false, state: 'halted', currentWave: 0 });
    expect(memberOf(CANARY).refreshes.filter((r) => r.group === 'web-a')).toHaveLength(2);

    refreshOf('web-a', 'Successful');
    refreshOf('web-b', 'Successful');
    refreshOf('web-c', 'RollbackSuccessful');
    expect(await checkWave(INPUT)).toEqual({ done: true, state: 'halted', currentWave: 0 });
    expect(await checkWave(INPUT)).toEqual({ done: true, state: 'halted', currentWave: 0 });

    const ended = await record();
    expect(canary(ended).state).toBe('rolled-back');
    expect(canary(ended).groups.map((g) => g.back?.status ?? g.status)).toEqual([
      'Successful',
      'Successful',
      'RollbackSuccessful',
    ]);
    expect(published().filter((p) => p.startsWith('rollout-wave-rolled-back'))).toEqual([
      'rollout-wave-rolled-back canary',
    ]);
    if (!ended) throw new Error('no record');
    expect(rolloutStatusLine(ended)).toMatch(
      /at wave 1\/3 \(canary\), 0 groups refreshed, 3 groups rolled back: wave canary failed: web-c /,
    );
    expect(renderRolloutStatus(ended)).toMatch(
      / web-a: Successful \(template .*\); back to v3: Successful \(refresh ir-\d+\)\n/,
    );
    expect(rolloutHistory(ended).some((l) => l.what.includes('(canary) rolled back: 3 groups back'))).toBe(true);
  });

  it("a refresh back that fails is recorded with Auto Scaling's reason and told; the wave stays failed", async () => {
    await haltedWithTwoRefreshed();
    refreshOf('web-a', 'Successful');
    refreshOf('web-b', 'Failed', 'Launching a new EC2 instance failed');
    refreshOf('web-c', 'RollbackSuccessful');
    expect(await checkWave(INPUT)).toEqual({ done: true, state: 'halted', currentWave: 0 });

    const ended = await record();
    expect(canary(ended).state).toBe('failed');
    const b = canary(ended).groups.find((g) => g.group === 'web-b');
    expect(b?.back).toMatchObject({ status: 'Failed', statusReason: 'Launching a new EC2 instance failed' });
    expect(ended?.skippedGroups.map((s) => s.reason)).toEqual([
      expect.stringMatching(/^refresh back to v3 \(\S+\) Failed: Launching a new EC2 instance failed$/),
    ]);
    expect(published()).toContain('rollout-group-skipped web-b');
    expect(published().some((p) => p.startsWith('rollout-wave-rolled-back'))).toBe(false);
    if (!ended) throw new Error('no record');
    expect(rolloutStatusLine(ended)).toMatch(/at wave 1\/3 \(canary\), 1 group refreshed, 2 groups rolled back: /);
  });

  it('leaves a group its team moved on since its refresh as it is, recorded and announced', async () => {
    for (const name of ['web-a', 'web-b', 'web-c']) followingGroup(CANARY, name);
    await startRollout(INPUT);
    refreshOf('web-a', 'Successful');
    refreshOf('web-b', 'Successful');
    // web-b's team deploys a version of its own (v9) after Goldsmith's refresh ended, before the wave halts.
    const member = memberOf(CANARY);
    const b = member.groups.find((g) => g.name === 'web-b');
    const lt = member.templates.find((t) => t.id === b?.template?.id);
    if (!b?.template || !lt) throw new Error('no web-b');
    lt.versions.push({ number: 9, imageId: lt.versions.at(-1)?.imageId ?? '' });
    b.template = { id: lt.id, version: '9' };
    refreshOf('web-c', 'RollbackInProgress', 'Instances failed to pass the ELB health check');
    expect(await checkWave(INPUT)).toEqual({ done: false, state: 'halted', currentWave: 0 });

    // Only web-a got a refresh back; web-b keeps the team's v9 and is told.
    expect(member.refreshes.filter((r) => r.group === 'web-b')).toHaveLength(1);
    expect(member.refreshes.filter((r) => r.group === 'web-a')).toHaveLength(2);
    expect(b.template).toEqual({ id: lt.id, version: '9' });
    const halted = await record();
    expect(canary(halted).groups.find((g) => g.group === 'web-b')?.back).toMatchObject({ status: 'NotMoved' });
    expect(halted?.skippedGroups.map((s) => s.reason)).toEqual([
      expect.stringMatching(/^its team moved it on since the rollout \(it runs launch template \S+ version 9, /),
    ]);
    expect(published()).toContain('rollout-group-skipped web-b');
    if (!halted) throw new Error('no record');
    expect(renderRolloutStatus(halted)).toMatch(/ web-b: Successful .*; not moved back: its team moved it on/);
  });
});
