import { GetSecretValueCommand, ResourceNotFoundException } from '@aws-sdk/client-secrets-manager';
import type { ApprovalKey } from '../../core/promotion/approval-link.js';
import { secretsmanagerClient } from '../clients/secretsmanager.js';

/** How long a read of the key is reused: a rotation reaches warm functions within five minutes. */
const CACHE_MS = 300_000;

interface KeyVersion {
  value: string;
  /** When this version was created; for AWSCURRENT, when the version before it stopped being current. */
  created: Date;
}

interface Versions {
  at: number;
  current: KeyVersion;
  previous: KeyVersion | undefined;
}

/** Key versions read, by secret name, per client (a reconfigured client set, another local cloud, reads again). */
let cache = new WeakMap<object, Map<string, Versions>>();

function cachedOf(): Map<string, Versions> {
  const client = secretsmanagerClient();
  let held = cache.get(client);
  if (!held) {
    held = new Map();
    cache.set(client, held);
  }
  return held;
}

function secretName(env: string): string {
  const name = process.env[env];
  if (!name) throw new Error(`${env} is not set`);
  return name;
}

async function read(name: string, stage: 'AWSCURRENT' | 'AWSPREVIOUS'): Promise<KeyVersion | undefined> {
  try {
    const out = await secretsmanagerClient().send(new GetSecretValueCommand({ SecretId: name, VersionStage: stage }));
    const value = out.SecretString;
    if (typeof value !== 'string' || value.length < 32) {
      throw new Error(`secret ${name} (${stage}) must be a string of at least 32 characters`);
    }
    return { value, created: out.CreatedDate ?? new Date(0) };
  } catch (error) {
    // A secret never rotated has no AWSPREVIOUS version.
    if (stage === 'AWSPREVIOUS' && error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}

async function versions(env: string, now: Date): Promise<Versions> {
  const name = secretName(env);
  const cached = cachedOf();
  const held = cached.get(name);
  if (held && now.getTime() - held.at < CACHE_MS && now.getTime() >= held.at) return held;
  const current = await read(name, 'AWSCURRENT');
  if (!current) throw new Error(`secret ${name} has no AWSCURRENT version`);
  const fresh = { at: now.getTime(), current, previous: await read(name, 'AWSPREVIOUS') };
  cached.set(name, fresh);
  return fresh;
}

/**
 * The approval links' HMAC key (Secrets Manager, env `APPROVAL_SECRET_NAME`, version AWSCURRENT): what new links
 * are signed with.
 */
export async function approvalSecret(now: Date = new Date()): Promise<string> {
  return (await versions('APPROVAL_SECRET_NAME', now)).current.value;
}

/**
 * The keys a link may be signed with: the current version, and the previous one for links signed before the last
 * rotation. Rotating (PutSecretValue, or a rotation function) moves AWSCURRENT to the new version and AWSPREVIOUS to
 * the one it left (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_PutSecretValue.html, "If you
 * specify AWSCURRENT …, Secrets Manager also moves the staging label AWSPREVIOUS"). A link signed with the previous
 * version was signed before the current one was created, so it expires at most the longest approval timeout (env
 * `APPROVAL_KEY_GRACE_SECONDS`) after that: the previous key is accepted only until then, and only for links that
 * expire by then, so a leaked old key stops working once the links it signed would have.
 */
export async function approvalKeys(now: Date = new Date()): Promise<ApprovalKey[]> {
  const { current, previous } = await versions('APPROVAL_SECRET_NAME', now);
  const keys: ApprovalKey[] = [{ secret: current.value }];
  const grace = Number(process.env.APPROVAL_KEY_GRACE_SECONDS ?? '0');
  if (previous && Number.isFinite(grace) && grace > 0) {
    keys.push({ secret: previous.value, notAfter: Math.floor(current.created.getTime() / 1000) + grace });
  }
  return keys;
}

/** Forgets the cached key versions (tests, and the local cloud after a rotation it wants seen at once). */
export function resetApprovalSecret(): void {
  cache = new WeakMap();
}

/**
 * The decision-proof key (Secrets Manager, env `DECISION_SECRET_NAME`): what a door signs a decision with
 * (core/promotion/decision-proof.ts). Only the doors (approval callback, operator endpoint) and the reconciler read
 * it; the functions that only sign links (request-approval, the Slack function) do not.
 */
export async function decisionKey(now: Date = new Date()): Promise<string> {
  return (await versions('DECISION_SECRET_NAME', now)).current.value;
}

/**
 * The keys a recorded decision may be proved with: the current version and, after a rotation, the previous one (a
 * decision taken before the rotation and delivered after it).
 */
export async function decisionKeys(now: Date = new Date()): Promise<string[]> {
  const { current, previous } = await versions('DECISION_SECRET_NAME', now);
  return previous ? [current.value, previous.value] : [current.value];
}

/**
 * The task-token key (Secrets Manager, env `TASK_TOKEN_SECRET_NAME`): what task tokens are sealed with in the ledger
 * and link nonces derived with (core/promotion/task-token-seal.ts). The current version first, then, after a
 * rotation, the previous one (a token sealed before it). Only the functions that receive task tokens from Step
 * Functions (RequestApproval, Soak) and those that answer them read it.
 */
export async function taskTokenKeys(now: Date = new Date()): Promise<string[]> {
  const { current, previous } = await versions('TASK_TOKEN_SECRET_NAME', now);
  return previous ? [current.value, previous.value] : [current.value];
}

/** The approval-link key's versions a link may be signed with (the digests of its nonces are made with them). */
export async function approvalKeySecrets(now: Date = new Date()): Promise<string[]> {
  return (await approvalKeys(now)).map((k) => k.secret);
}

/** A key version as data (a saved local cloud keeps what a warm container read). */
export interface HeldKeyVersion {
  value: string;
  created: string;
}

/** What this container holds of the approval, decision and task-token keys, by secret name: when read, and the versions. */
export type HeldSecrets = Record<string, { at: number; current: HeldKeyVersion; previous?: HeldKeyVersion }>;

const heldVersion = (v: KeyVersion): HeldKeyVersion => ({ value: v.value, created: v.created.toISOString() });
const keyVersion = (v: HeldKeyVersion): KeyVersion => ({ value: v.value, created: new Date(v.created) });

/** The key versions this container holds for the current client, as data. */
export function heldSecrets(): HeldSecrets {
  return Object.fromEntries(
    [...cachedOf()].map(([name, v]) => [
      name,
      { at: v.at, current: heldVersion(v.current), ...(v.previous ? { previous: heldVersion(v.previous) } : {}) },
    ]),
  );
}

/** Holds `held` for the current client, as a container that read those versions would. */
export function holdSecrets(held: HeldSecrets): void {
  const cached = cachedOf();
  for (const [name, v] of Object.entries(held)) {
    cached.set(name, {
      at: v.at,
      current: keyVersion(v.current),
      previous: v.previous ? keyVersion(v.previous) : undefined,
    });
  }
}
