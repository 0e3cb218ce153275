import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { main } from '../../cli/main.js';
import { PREVIOUS_RELEASE } from '../../cli/operator/saved-release.js';
import type { RolloutRecord } from '../../core/rollout/record.js';
import type { SavedDeployment } from '../../local/snapshot/deployment.js';
import { captureOutput } from './output.js';

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

/** A directory `save` inside a new temp directory removed after the test: an upgrade keeps its copy beside it. */
export function saveDirIn(root: string): string {
  const dir = join(root, 'save');
  mkdirSync(dir);
  return dir;
}

/** The saved object a save's `$ref` names (`$.a.b.c`: a path of fields), or the object itself. */
function resolved(root: Saved, at: unknown): Saved {
  const ref = (at as { $ref?: string }).$ref;
  if (ref === undefined) return at as Saved;
  if (!/^\$(\.[A-Za-z0-9_]+)+$/.test(ref)) throw new Error(`a $ref this helper does not follow: ${ref}`);
  return { $o: fieldsAt(root, ...ref.split('.').slice(1)) };
}

const entries = (map: unknown) => (map as { $map: [unknown, unknown][] }).$map;

/** What a saved cloud's fakes hold of the member baseline: its instances and operations, the member roles, the AMI
 * key's grants to Auto Scaling in each Region. */
export interface SavedMemberBaseline {
  instances: { account: string; region: string; stackId?: string }[];
  operations: { kind: string; startedAt: number; finishedAt: number; updated?: number }[];
  /** The member accounts' rollout roles now, and those deleted. */
  roles: string[];
  deletedRoles: string[];
  /** Per Region of the AMI key: the grants to an account's Auto Scaling role, with their retiring principal. */
  grants: Record<string, { account: string; retiringPrincipal?: string }[]>;
}

/** The member baseline in the cloud saved in `dir`. */
export function savedMemberBaseline(dir: string): SavedMemberBaseline {
  const state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as State;
  const cloud = JSON.parse(gunzipSync(readFileSync(join(dir, state.cloud.file))).toString('utf8')) as {
    fakes: Saved;
  };
  const fakes = cloud.fakes;
  const stackSets = fieldsAt(fakes, 'stackSets');
  const access = resolved(fakes, fakes.$o.memberAccess).$o;
  const kms = resolved(fakes, resolved(fakes, stackSets.member).$o.kms).$o;
  const rollout = (arn: unknown) => /:role\/goldsmith-[a-z0-9-]+-rollout(-[0-9a-f]{8})?$/.test(String(arn));
  const grants: SavedMemberBaseline['grants'] = {};
  for (const [name, key] of entries(kms.keys)) {
    if (!String(name).includes('|AmiKey')) continue;
    grants[String(name).split('|')[0] ?? ''] = ((key as Saved).$o.grants as Saved[])
      .map((g) => g.$o)
      .filter((g) => String(g.granteePrincipal).includes('AWSServiceRoleForAutoScaling'))
      .map((g) => ({
        account: String(g.granteePrincipal).split(':')[4] ?? '',
        ...(g.retiringPrincipal ? { retiringPrincipal: String(g.retiringPrincipal) } : {}),
      }));
  }
  return {
    instances: entries(stackSets.instances).flatMap(([, byAccount]) =>
      entries(byAccount).map(([, i]) => (i as Saved).$o as SavedMemberBaseline['instances'][number]),
    ),
    operations: (stackSets.operations as Saved[]).map((o) => o.$o as SavedMemberBaseline['operations'][number]),
    roles: entries(access.roles)
      .map(([arn]) => String(arn))
      .filter(rollout),
    deletedRoles: ((access.deleted as { $set: string[] }).$set ?? []).filter(rollout),
    grants,
  };
}

/** The catalog the fixture's cloud ran (test/fixtures/upgrade/scenario.json). */
export const FIXTURE_CATALOG = join(REPO, 'examples/catalogs/example-rollout.ts');

/** `goldsmith simulate --resume DIR --until UNTIL` (an upgrade when another code saved DIR): its output. */
export const resumeUntil = (dir: string, until: string) =>
  captureOutput(() => main(['simulate', '--resume', dir, '--config', FIXTURE_CATALOG, '--until', until, '--json']));

/** `goldsmith rollout ACTION base prod --local DIR` (the fixture's rollout between waves), with `args`. */
export const baseProdRollout = (dir: string, action: string, ...args: string[]) =>
  captureOutput(() => main(['rollout', action, 'base', 'prod', '--local', dir, ...args]));

/** The fixture's rollout (base 1.0.0/2 to prod) as `rollout status --json` reads it from the cloud saved in DIR. */
export async function baseProdRolloutOf(dir: string): Promise<RolloutRecord> {
  const { code, stdout, stderr } = await baseProdRollout(dir, 'status', '--json');
  if (code !== 0) throw new Error(`rollout status: ${stderr}`);
  return (JSON.parse(stdout) as { rollout: RolloutRecord }).rollout;
}
