import { describe, expect, it } from 'vitest';
import { isSealed, openTaskToken, SEALED_PREFIX, sealTaskToken } from '../../../core/promotion/task-token-seal.js';

const KEY = 'k'.repeat(64);
const OLD = 'o'.repeat(64);
const HERE = 'IMAGE#base\nAPPROVAL#1.0.0/3#prod';
/** A task token of the longest length SendTaskSuccess takes (2,048 characters). */
const TOKEN = `AQCEAAAAKgAAAA${'x'.repeat(2048 - 14)}`;

describe('sealTaskToken and openTaskToken', () => {
  it('seals a token of the longest length so nothing of it shows, and opens it again', () => {
    const sealed = sealTaskToken(TOKEN, KEY, HERE);
    expect(sealed.startsWith(SEALED_PREFIX)).toBe(true);
    expect(sealed).not.toContain('xxxxxxxx');
    expect(sealed.length).toBeLessThan(2800);
    expect(isSealed(sealed)).toBe(true);
    expect(openTaskToken(sealed, [KEY], HERE)).toBe(TOKEN);
  });

  it('seals the same token for the same record the same way (a redelivered start writes what is there)', () => {
    expect(sealTaskToken(TOKEN, KEY, HERE)).toBe(sealTaskToken(TOKEN, KEY, HERE));
    expect(sealTaskToken(`${TOKEN}y`, KEY, HERE)).not.toBe(sealTaskToken(TOKEN, KEY, HERE));
  });

  it('opens with the key before a rotation, and with no other key', () => {
    const sealed = sealTaskToken(TOKEN, OLD, HERE);
    expect(openTaskToken(sealed, [KEY, OLD], HERE)).toBe(TOKEN);
    expect(() => openTaskToken(sealed, [KEY], HERE)).toThrow(/no task-token key opens/);
  });

  it('does not open on another record: a sealed token copied elsewhere is nothing there', () => {
    const sealed = sealTaskToken(TOKEN, KEY, HERE);
    expect(() => openTaskToken(sealed, [KEY], 'IMAGE#base\nAPPROVAL#1.0.0/4#prod')).toThrow(/no task-token key opens/);
  });

  it('reads a token 0.2.0 stored in the clear as it is', () => {
    expect(isSealed(TOKEN)).toBe(false);
    expect(openTaskToken(TOKEN, [KEY], HERE)).toBe(TOKEN);
  });
});
