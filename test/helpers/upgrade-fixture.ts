import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { PREVIOUS_RELEASE } from '../../cli/operator/saved-release.js';
import type { SavedDeployment } from '../../local/snapshot/deployment.js';

export const REPO = join(import.meta.dirname, '../..');
/** The cloud the previous release saved (scripts/release/upgrade-fixture.ts writes it when a release is cut). */
export const FIXTURE = join(REPO, 'test/fixtures/upgrade', PREVIOUS_RELEASE);

export interface State {
  identity: { code: string; release?: string };
  catalogFile: string;
  snapshot: { ledger: Record<string, unknown>[] };
  cloud: { file: string };
}

/** Unpacks the cloud the previous release saved into `dir`, as `simulate --save` left it. */
export function unpack(dir: string): void {
  for (const name of readdirSync(FIXTURE)) {
    const data = readFileSync(join(FIXTURE, name));
    if (name.startsWith('cloud-')) writeFileSync(join(dir, name), data);
    else if (name.endsWith('.json.gz')) writeFileSync(join(dir, name.slice(0, -3)), gunzipSync(data));
  }
}

/** An object as a save writes it (local/snapshot/plain-state.ts): its fields under `$o`. */
export type Saved = { $o: Record<string, unknown> };

/** The saved fields of the object at `path` under `root`. */
export function fieldsAt(root: unknown, ...path: string[]): Record<string, unknown> {
  let at = root as Saved;
  for (const key of path) at = at.$o[key] as Saved;
  return at.$o;
}

/**
 * Changes the cloud saved in `dir` as `change` says, and the deployment written beside it, as if the release that
 * saved it had had other templates: the file is renamed by its new digest, as a save names it.
 */
export function rewriteSave(dir: string, change: (cloud: { fakes: Saved }, deployment: SavedDeployment) => void): void {
  const state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as State & { cloud: { sha256: string } };
  const cloud = JSON.parse(gunzipSync(readFileSync(join(dir, state.cloud.file))).toString('utf8'));
  const deployment = JSON.parse(readFileSync(join(dir, 'deployment.json'), 'utf8')) as SavedDeployment;
  change(cloud, deployment);
  const data = gzipSync(JSON.stringify(cloud));
  const sha256 = createHash('sha256').update(data).digest('hex');
  rmSync(join(dir, state.cloud.file));
  state.cloud = { file: `cloud-${sha256.slice(0, 16)}.json.gz`, sha256 };
  writeFileSync(join(dir, state.cloud.file), data);
  writeFileSync(join(dir, 'state.json'), JSON.stringify(state));
  writeFileSync(join(dir, 'deployment.json'), JSON.stringify(deployment));
}
