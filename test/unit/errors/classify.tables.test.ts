import { beforeEach, describe, expect, it, vi } from 'vitest';

/**
 * The module-level tables of core/errors/classify.ts that are not spelt out as typed lists: the socket codes, the
 * name our own transient errors carry, and the list every Retry matches. The module is loaded afresh inside each test,
 * so the tables are built while the test runs (mutation testing then counts each of these tests as one that reaches
 * them, instead of whichever test elsewhere happened to load the module first).
 */
beforeEach(() => {
  vi.resetModules();
});

const load = () => import('../../../core/errors/classify.js');

describe('the tables classifyError reads, loaded afresh', () => {
  it.each(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN'])(
    'a connection that failed with %s is waited out, with or without a name AWS lists',
    async (code) => {
      const { asRetryableError, classifyError, TransientError } = await load();
      const err = Object.assign(new Error('socket hang up'), { code });
      expect(classifyError(err)).toBe('transient');
      expect(asRetryableError(err)).toBeInstanceOf(TransientError);
    },
  );

  it('a code no failed connection has is not waited out, even an empty one', async () => {
    const { classifyError } = await load();
    expect(classifyError(Object.assign(new Error('x'), { code: '' }))).toBe('permanent');
    expect(classifyError(Object.assign(new Error('x'), { code: 'ENOTFOUND' }))).toBe('permanent');
  });

  it('our own transient error is named Goldsmith.Transient, which every Retry list matches and which reads as transient', async () => {
    const { classifyError, TRANSIENT_ERROR_NAME, TRANSIENT_ERROR_NAMES, TransientError } = await load();
    expect(TRANSIENT_ERROR_NAME).toBe('Goldsmith.Transient');
    expect(new TransientError('bad gateway').name).toBe('Goldsmith.Transient');
    expect(TRANSIENT_ERROR_NAMES).toContain('Goldsmith.Transient');
    expect(classifyError({ name: 'Goldsmith.Transient' })).toBe('transient');
    expect(classifyError({ name: '' })).toBe('permanent');
  });

  it('the Retry list holds a name of each kind, and a name in it is transient by itself', async () => {
    const { classifyError, TRANSIENT_ERROR_NAMES } = await load();
    for (const name of ['Throttling', 'ServiceUnavailable', 'TimeoutError', 'Lambda.ServiceException']) {
      expect(TRANSIENT_ERROR_NAMES).toContain(name);
      expect(classifyError({ name })).toBe('transient');
    }
  });
});
