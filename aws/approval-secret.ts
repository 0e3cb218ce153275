import { GetSecretValueCommand, ResourceNotFoundException } from '@aws-sdk/client-secrets-manager';
import type { ApprovalKey } from '../core/promotion/approval-link.js';
import { secretsmanagerClient } from './clients/secretsmanager.js';

/** How long a read of the key is reused: a rotation reaches warm functions within five minutes. */
const CACHE_MS = 300_000;

interface KeyVersion {
  value: string;
  /** When this version was created; for AWSCURRENT, when the version before it stopped being current. */
  created: Date;
}

let cached: { at: number; current: KeyVersion; previous: KeyVersion | undefined } | undefined;

function secretName(): string {
  const name = process.env.APPROVAL_SECRET_NAME;
  if (!name) throw new Error('APPROVAL_SECRET_NAME is not set');
  return name;
}

async function read(stage: 'AWSCURRENT' | 'AWSPREVIOUS'): Promise<KeyVersion | undefined> {
  const name = secretName();
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

async function versions(now: Date): Promise<NonNullable<typeof cached>> {
  if (cached && now.getTime() - cached.at < CACHE_MS && now.getTime() >= cached.at) return cached;
  const current = await read('AWSCURRENT');
  if (!current) throw new Error(`secret ${secretName()} has no AWSCURRENT version`);
  cached = { at: now.getTime(), current, previous: await read('AWSPREVIOUS') };
  return cached;
}

/**
 * The approval links' HMAC key (Secrets Manager, env `APPROVAL_SECRET_NAME`, version AWSCURRENT): what new links
 * are signed with.
 */
export async function approvalSecret(now: Date = new Date()): Promise<string> {
  return (await versions(now)).current.value;
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
  const { current, previous } = await versions(now);
  const keys: ApprovalKey[] = [{ secret: current.value }];
  const grace = Number(process.env.APPROVAL_KEY_GRACE_SECONDS ?? '0');
  if (previous && Number.isFinite(grace) && grace > 0) {
    keys.push({ secret: previous.value, notAfter: Math.floor(current.created.getTime() / 1000) + grace });
  }
  return keys;
}

/** Forgets the cached key versions (tests, and the local cloud after a rotation it wants seen at once). */
export function resetApprovalSecret(): void {
  cached = undefined;
}
