import { createCipheriv, createDecipheriv, createHmac, hkdfSync } from 'node:crypto';

/**
 * Task tokens as the ledger keeps them: sealed (AES-256-GCM) under a key only the functions that answer tasks — and
 * the two that receive tokens from Step Functions and seal them — may read (aws/promotion/task-tokens.ts). A reader
 * of the ledger who holds `states:SendTaskFailure` learns nothing they could answer a task with. A stored token says
 * which form it is in: {@link SEALED_PREFIX}, or (written by 0.2.0) the token in the clear.
 *
 * Sealing is deterministic for one key, record and token (the IV is an HMAC of the record and the token under a key
 * of its own), so a redelivered start writes the same sealed text and a conditional write on "the token as read"
 * means what it meant in the clear. The record's key is authenticated with it (GCM's additional data): a sealed token
 * copied onto another record does not open there. A task token is at most 2,048 characters (SendTaskSuccess,
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskSuccess.html, "taskToken … Maximum
 * length of 2048"): its sealed form is under 2,800, well inside a ledger item.
 */

/** What begins a sealed token (version 1: AES-256-GCM, 12-byte synthetic IV, 16-byte tag, base64url). */
export const SEALED_PREFIX = 'sealed:v1:';

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Whether a stored token is sealed (else it is a 0.2.0 record's token in the clear). */
export function isSealed(stored: string): boolean {
  return stored.startsWith(SEALED_PREFIX);
}

function subkey(secret: string, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), `goldsmith task token ${purpose} v1`, 32));
}

/** Seals `token` for the record `bound` (its ledger key) under `secret`. */
export function sealTaskToken(token: string, secret: string, bound: string): string {
  const iv = createHmac('sha256', subkey(secret, 'iv'))
    .update(JSON.stringify([bound, token]))
    .digest()
    .subarray(0, IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', subkey(secret, 'seal'), iv);
  cipher.setAAD(Buffer.from(bound, 'utf8'));
  const body = Buffer.concat([cipher.update(token, 'utf8'), cipher.final()]);
  return `${SEALED_PREFIX}${Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url')}`;
}

function tryOpen(raw: Buffer, secret: string, bound: string): string | undefined {
  const decipher = createDecipheriv('aes-256-gcm', subkey(secret, 'seal'), raw.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(bound, 'utf8'));
  decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]).toString(
      'utf8',
    );
  } catch {
    // Another key's seal, or another record's: GCM's tag does not verify.
    return undefined;
  }
}

/**
 * The token a stored one stands for: a sealed token opened with the first of `secrets` (the current key, then the
 * one before a rotation) that opens it for `bound`; a token in the clear (0.2.0) as it is.
 * @throws when no key opens it (sealed under a key version no longer kept, or for another record).
 */
export function openTaskToken(stored: string, secrets: readonly string[], bound: string): string {
  if (!isSealed(stored)) return stored;
  const raw = Buffer.from(stored.slice(SEALED_PREFIX.length), 'base64url');
  if (raw.length <= IV_BYTES + TAG_BYTES) throw new Error(`sealed task token of ${bound} is truncated`);
  for (const secret of secrets) {
    const opened = tryOpen(raw, secret, bound);
    if (opened !== undefined) return opened;
  }
  throw new Error(`no task-token key opens the sealed task token of ${bound}`);
}
