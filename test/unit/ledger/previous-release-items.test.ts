import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ImagePartition } from '../../../aws/ledger/image-partition.js';
import { PREVIOUS_RELEASE } from '../../../cli/operator/saved-release.js';
import { keptBuilds } from '../../../core/cost/ledger-cost.js';
import { holdsMigration, migrationOf } from '../../../core/ledger/migrations.js';
import { RECORD_FORMAT } from '../../../core/ledger/record-format.js';
import { contentOf, scanFindingsOf } from '../../../core/sbom/ledger-content.js';
import { imageView } from '../../../core/status/image-view.js';
import { rolloutRecordsOf } from '../../../core/status/rollout-records.js';
import { scheduledRevocationsOf } from '../../../core/status/scheduled-revocations.js';
import { readImageState } from '../../../functions/lifecycle/ledger-view.js';

/**
 * Every ledger item the previous release wrote, as its save of the upgrade rehearsal holds them (340 items: AMI and
 * container images, every trigger it used, work in flight of every kind), read with this release's readers: the
 * migration to this format (which must keep every field and be a no-op the second time), the lifecycle's state of
 * each image (what revoke, rollback and the daily sweep decide from), `status`'s view, the SBOM's content and scan
 * readers, the cost's builds, the scheduled revocations and the rollouts. None may throw or lose what 0.2.0 wrote.
 */
type Item = Record<string, unknown>;
const FIXTURE = join(import.meta.dirname, '../../fixtures/upgrade', PREVIOUS_RELEASE, 'state.json.gz');
const saved = JSON.parse(gunzipSync(readFileSync(FIXTURE)).toString('utf8')) as {
  savedAt: string;
  snapshot: { ledger: Item[] };
};
const ledger = saved.snapshot.ledger;
const now = new Date(saved.savedAt);
const CHANNELS = ['dev', 'staging', 'prod'];
const str = (v: unknown) => (typeof v === 'string' ? v : '');

/** Each item as this release's migration leaves it. */
const migrated = ledger.map((item) => {
  const migration = migrationOf(item);
  return migration ? { ...item, ...migration.set, recordFormat: RECORD_FORMAT } : item;
});
const images = [...new Set(ledger.map((i) => str(i.pk)).filter((pk) => pk.startsWith('IMAGE#')))].map((pk) =>
  pk.slice('IMAGE#'.length),
);
const partitionOf = (image: string) => migrated.filter((i) => i.pk === `IMAGE#${image}`);

describe(`the ledger release ${PREVIOUS_RELEASE} wrote, read by this release`, () => {
  it('holds AMI and container images, every trigger 0.2.0 used and work in flight of every kind', () => {
    expect(images.sort()).toEqual(['app', 'base', 'hardened', 'web-runtime']);
    const builds = ledger.filter((i) => str(i.sk).startsWith('BUILD#'));
    expect(new Set(builds.map((b) => b.trigger))).toEqual(new Set(['schedule', 'cascade', 'manual']));
    const kinds = (loaded: string) => builds.filter((b) => JSON.stringify(b.loaded ?? {}).includes(loaded)).length;
    expect(kinds('"containers":[{')).toBeGreaterThan(0);
    expect(kinds('"amis":[{')).toBeGreaterThan(0);
    for (const sk of ['APPROVAL#', 'SOAK#', 'REVOKE-AT#', 'ROLLOUT#'])
      expect(
        ledger.some((i) => str(i.sk).startsWith(sk)),
        sk,
      ).toBe(true);
  });

  it('migrates every item to this format keeping every field, and a second migration changes nothing', () => {
    for (const [n, item] of ledger.entries()) {
      const after = migrated[n] as Item;
      for (const [field, value] of Object.entries(item))
        if (!(field in (migrationOf(item)?.set ?? {})))
          expect(after[field], `${item.pk} ${item.sk} ${field}`).toEqual(value);
      expect(migrationOf(after), `${item.pk} ${item.sk}`).toBeUndefined();
      const migration = migrationOf(item);
      if (migration) expect(holdsMigration(after, migration)).toBe(true);
    }
  });

  it("reads every image's builds, outcomes, revocations and pointers as the lifecycle does, each build whole", async () => {
    for (const image of images) {
      const items = partitionOf(image);
      const partition = new ImagePartition(items, ['BUILD#', 'PROMOTION#', 'REVOCATION#', 'CHANNEL#']);
      const state = await readImageState({ image, channels: CHANNELS.map((name) => ({ name })) }, partition);
      const recorded = items.filter((i) => str(i.sk).startsWith('BUILD#'));
      expect(state.builds.map((b) => b.version).sort(), image).toEqual(
        recorded.map((b) => str(b.sk).slice('BUILD#'.length)).sort(),
      );
      for (const b of state.builds) {
        const item = recorded.find((i) => i.sk === `BUILD#${b.version}`) as Item;
        expect(b, `${image} ${b.version}`).toMatchObject({
          status: item.status,
          trigger: item.trigger,
          buildVersionArn: item.buildVersionArn,
        });
      }
      expect(state.histories.map((h) => h.version).sort()).toEqual(state.builds.map((b) => b.version).sort());
      expect(Object.keys(state.pointers).sort()).toEqual(
        items
          .filter((i) => str(i.sk).startsWith('CHANNEL#'))
          .map((i) => str(i.channel))
          .sort(),
      );
    }
  });

  it("shows every image in status, with its builds, pointers and the work in flight, and reads each version's SBOM parts", () => {
    for (const image of images) {
      const items = partitionOf(image);
      const view = imageView(image, CHANNELS, items, now);
      expect(view.builds, image).toBe(items.filter((i) => str(i.sk).startsWith('BUILD#')).length);
      for (const c of view.channels) {
        const pointer = items.find((i) => i.sk === `CHANNEL#${c.channel}`);
        expect(c.pointer?.version, `${image} ${c.channel}`).toBe(pointer ? pointer.version : undefined);
      }
      for (const b of items.filter((i) => str(i.sk).startsWith('BUILD#'))) {
        const version = str(b.sk).slice('BUILD#'.length);
        expect(() => [contentOf(items, version), scanFindingsOf(items, version)]).not.toThrow();
      }
    }
    const waiting = imageView('hardened', CHANNELS, partitionOf('hardened'), now).channels.find(
      (c) => c.channel === 'prod',
    );
    expect(waiting?.waiting?.version).toBe('1.0.0/1');
    expect(scheduledRevocationsOf(partitionOf('web-runtime'), now)).toEqual([
      expect.objectContaining({ version: '1.0.0/1', dueAt: '2027-01-25T12:00:00.000Z' }),
    ]);
    expect(rolloutRecordsOf(partitionOf('base'))).toContainEqual(
      expect.objectContaining({ version: '1.0.0/2', channel: 'prod', state: 'running' }),
    );
    expect(keptBuilds(migrated).length).toBe(ledger.filter((i) => str(i.sk).startsWith('BUILD#')).length);
  });
});
