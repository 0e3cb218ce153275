import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { command } from '../../../cli/explain.js';
import { main } from '../../../cli/main.js';
import { captureOutput } from '../../helpers/output.js';
import { testTempDir } from '../../helpers/temp-dir.js';

const REPO = join(import.meta.dirname, '../../..');
const CONFIG = join(REPO, 'goldsmith.config.ts');
const FIXTURES = join(REPO, 'test/fixtures/events');

/** Runs `goldsmith explain` in process and captures what it writes. */
function explain(args: string[], run: (a: string[]) => Promise<number> = (a) => command.run(a)) {
  return captureOutput(() => run(args));
}

// Each synthesizes the stacks (about 9 s of CPU with the synthesis thread's imports): on a loaded 2-core machine
// that passes the default 30 s.
describe('goldsmith explain', { timeout: 120_000 }, () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('prints known, valid, the matched rule with its target and the actions for a sample', async () => {
    const { code, stdout } = await explain([join(REPO, 'events/samples/package-update.json'), '--config', CONFIG]);

    expect(code).toBe(0);
    expect(stdout.split('\n').slice(0, 5)).toEqual([
      'known: yes (Package Update)',
      'valid: yes',
      'matched: PackageUpdateRule → start-builds',
      'actions:',
      expect.stringMatching(
        /^ {2}- would start build of base \(trigger package, dedupe key package:base:openssl@3\.0\.16, /,
      ),
    ]);
  });

  it('prints exactly one JSON document on stdout with --json, progress on stderr', async () => {
    const { code, stdout, stderr } = await explain([
      join(REPO, 'events/samples/image-state-change.json'),
      '--json',
      '--config',
      CONFIG,
    ]);

    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      known: true,
      kind: 'image-state-change',
      valid: true,
      matched: ['ImageStateChangeRule'],
      routes: [{ id: expect.stringMatching(/^ImageStateChangeRule[0-9A-F]{8}$/), targets: ['on-image-event'] }],
    });
    expect(stderr).toContain('synthesizing');
  });

  it('exits 0 and says "known: no" for an unknown kind of event', async () => {
    const { code, stdout } = await explain([join(FIXTURES, 'unknown-ec2-state-change.json'), '--config', CONFIG]);

    expect(code).toBe(0);
    expect(stdout).toBe('known: no\nmatched: none of our rules\nactions: none\n');
  });

  it('exits 1 with one line on stderr when the event file does not exist', async () => {
    const { code, stdout, stderr } = await explain([join(FIXTURES, 'no-such-event.json')]);

    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(`cannot read ${join(FIXTURES, 'no-such-event.json')}: file not found\n`);
  });

  it('exits 1 when the event file is not JSON, with a JSON error document under --json', async () => {
    const path = join(testTempDir('goldsmith-explain-'), 'event.json');
    writeFileSync(path, '{ "source": ');

    const { code, stdout } = await explain([path, '--json']);

    expect(code).toBe(1);
    expect(JSON.parse(stdout).error).toMatch(/is not JSON/);
  });

  it('exits 1 and lists the problems when the catalog is invalid', async () => {
    const broken = join(REPO, 'test/fixtures/catalogs/broken.json');

    const { code, stderr } = await explain([join(FIXTURES, 'unknown-ec2-state-change.json'), '--config', broken]);

    expect(code).toBe(1);
    expect(stderr).toContain('organization.homeRegion: unknown AWS Region "eu-west-9"');
  });

  it('exits 1 with a usage line when no event is given', async () => {
    const { code, stderr } = await explain(['explain'], (a) => main(a));

    expect(code).toBe(1);
    expect(stderr).toContain('goldsmith explain: which event?');
  });
});

describe('goldsmith explain (the installed command)', { timeout: 120_000 }, () => {
  it('exits 2 with the field at fault for a malformed known event, stdout one JSON document', () => {
    const result = spawnSync(
      process.execPath,
      [join(REPO, 'bin/goldsmith.mjs'), 'explain', join(FIXTURES, 'state-change-missing-status.json'), '--json'],
      { cwd: REPO, encoding: 'utf8' },
    );

    expect(result.status).toBe(2);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ known: true, valid: false, matched: ['ImageStateChangeRule'] });
    expect(report.reason).toMatch(/^detail\.state\.status: /);
  });
});
