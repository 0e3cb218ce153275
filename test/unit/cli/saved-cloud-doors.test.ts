import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { loadCatalogFile } from '../../../cli/load-catalog.js';
import { actOnLocal } from '../../../cli/operator/local-act.js';
import { pruneClouds, readCloud } from '../../../cli/operator/saved-cloud-file.js';
import { digestOf, readState, saveActed, writeState } from '../../../cli/operator/saved-state.js';
import { sendToServer, socketOf } from '../../../cli/operator/served.js';
import { writeSavedCloud } from '../../helpers/saved-cloud.js';
import { testTempDir } from '../../helpers/temp-dir.js';

const REPO = join(import.meta.dirname, '../../..');
const AT = '2027-02-15T00:00:00.000Z';
const snapshot = { at: AT, ledger: [], executions: [], pointers: {}, builds: [], amis: [] };

describe("a saved cloud's doors", () => {
  it("refuses to save over a state saved after this command read its own, even when the file's digest is taken later", async () => {
    const dir = await writeSavedCloud(testTempDir('goldsmith-doors-'), {
      catalogFile: join(REPO, 'goldsmith.config.ts'),
      at: AT,
      ledger: [],
    });
    const mine = await readState(dir);
    // Another command saves between this command's read and its save.
    const theirs = await writeState(dir, { ...mine, operator: [], scenario: { ...mine.scenario, note: 'theirs' } });
    expect(digestOf(theirs)).not.toBe(digestOf(mine));
    await expect(saveActed(dir, mine, mine.scenario, { snapshot, operator: [] }, digestOf(mine))).rejects.toThrow(
      /changed while this command ran .*nothing of this one was saved/,
    );
    expect((await readState(dir)).scenario).toMatchObject({ note: 'theirs' });
  });

  it('the digest of a state read is that of the bytes read, and of a state written that of the bytes written', async () => {
    const dir = await writeSavedCloud(testTempDir('goldsmith-doors-'), {
      catalogFile: join(REPO, 'goldsmith.config.ts'),
      at: AT,
      ledger: [],
    });
    const read = await readState(dir);
    const written = await writeState(dir, read);
    expect(digestOf(await readState(dir))).toBe(digestOf(written));
  });

  it("opens only a cloud file of the folder named by its digest, saved at the state's instant", async () => {
    const dir = testTempDir('goldsmith-doors-');
    const data = gzipSync(JSON.stringify({ at: AT }));
    const { createHash } = await import('node:crypto');
    const sha256 = createHash('sha256').update(data).digest('hex');
    const file = `cloud-${sha256.slice(0, 16)}.json.gz`;
    writeFileSync(join(dir, file), data);
    await expect(readCloud(dir, { file, sha256 }, AT)).resolves.toMatchObject({ at: AT });
    await expect(readCloud(dir, { file: `../x/${file}`, sha256 }, AT)).rejects.toThrow(/not a saved cloud's file of/);
    await expect(readCloud(dir, { file: 'cloud-0000000000000000.json.gz', sha256 }, AT)).rejects.toThrow(
      /not a saved cloud's file of/,
    );
    await expect(readCloud(dir, { file, sha256 }, '2027-02-10T00:00:00.000Z')).rejects.toThrow(
      /was saved at 2027-02-15T00:00:00.000Z, not at 2027-02-10T00:00:00.000Z/,
    );
  });

  it("removes only Goldsmith's own cloud files no state names, never a user's file of a similar name", async () => {
    const dir = testTempDir('goldsmith-doors-');
    for (const name of ['cloud-notes.md', 'cloud-0123456789abcdef.json.gz', 'cloud-fedcba9876543210.json.gz']) {
      writeFileSync(join(dir, name), 'x');
    }
    await pruneClouds(dir, { file: 'cloud-fedcba9876543210.json.gz', sha256: 'fedcba9876543210' });
    expect(readdirSync(dir).sort()).toEqual(['cloud-fedcba9876543210.json.gz', 'cloud-notes.md']);
  });

  it('a server that takes the request and stops before answering is told apart from no server at all', async () => {
    const dir = testTempDir('goldsmith-doors-');
    const body = { digest: 'd', request: { action: 'build' }, principal: 'p', id: 'cli-1' };
    expect(await sendToServer(dir, body)).toBeUndefined();
    const server = createServer((conn) => conn.once('data', () => conn.destroy()));
    await new Promise<void>((resolve) => server.listen(socketOf(dir), resolve));
    try {
      expect(await sendToServer(dir, body)).toEqual({
        served: false,
        why: 'the server stopped before it answered',
        unknown: true,
      });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(existsSync(socketOf(dir))).toBe(false);
  });

  it('a command whose saved cloud was saved over since it read it is refused before it opens anything', async () => {
    const catalogFile = join(REPO, 'goldsmith.config.ts');
    const dir = await writeSavedCloud(testTempDir('goldsmith-doors-'), { catalogFile, at: AT, ledger: [] });
    const state = await readState(dir);
    // The other command's save names a cloud file this one's state never did: the read state's is gone.
    await writeState(dir, { ...state, scenario: { ...state.scenario, note: 'theirs' } });
    const where = { kind: 'local' as const, dir, state, catalog: await loadCatalogFile(catalogFile), as: undefined };
    await expect(
      actOnLocal(where, {
        request: { action: 'build', image: 'base' },
        principal: 'p',
        id: 'cli-1',
        digest: digestOf(state),
      }),
    ).rejects.toThrow(/changed while this command ran .*run it again/);
  });
});
