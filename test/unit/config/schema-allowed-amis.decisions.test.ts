import { beforeEach, describe, expect, it, vi } from 'vitest';

/**
 * The Allowed AMIs switch's value rules, which are EC2's (ImageCriterionRequest): each bound at its edge, each pattern
 * anchored at both ends, and the messages a catalog author reads. The schemas are module-level, so the module is
 * loaded afresh inside each test (mutation testing then counts each of these tests as one that reaches them).
 */
beforeEach(() => {
  vi.resetModules();
});

const load = () => import('../../../core/config/schema-allowed-amis.js');

/** The first message zod gives for `value`, or undefined when it is accepted. */
async function refusal(schema: 'provider' | 'name' | 'code' | 'also' | 'switch', value: unknown) {
  const m = await load();
  const s = {
    provider: m.imageProviderSchema,
    name: m.imageNamePatternSchema,
    code: m.productCodeSchema,
    also: m.alsoAllowSchema,
    switch: m.allowedAmisSchema,
  }[schema];
  const out = s.safeParse(value);
  return out.success ? undefined : out.error.issues[0]?.message;
}

const PROVIDER_MESSAGE = 'must be "amazon", "aws-marketplace", "aws-backup-vault" or a 12-digit account id';
const NAME_MESSAGE = "must be 1–128 letters, digits, spaces or ( ) [ ] . / - ' @ _ * ? (EC2's image name rules)";

describe('image providers', () => {
  it('accepts EC2’s three aliases and 12-digit account ids', async () => {
    for (const p of ['amazon', 'aws-marketplace', 'aws-backup-vault', '123456789012'])
      expect(await refusal('provider', p)).toBeUndefined();
  });

  it('refuses other words, `none`, and ids of another length or with anything before or after', async () => {
    for (const p of ['none', 'self', '12345678901', '1234567890123', 'x123456789012', '123456789012x', 'abcdefghijkl'])
      expect(await refusal('provider', p), p).toBe(PROVIDER_MESSAGE);
  });
});

describe('image name patterns', () => {
  it('accepts one to 128 of EC2’s characters, wildcards included', async () => {
    for (const n of ['a', 'ab', "al2023-ami-* (x86_64) [v1.2]/@'ok", 'x'.repeat(128)])
      expect(await refusal('name', n), n).toBeUndefined();
  });

  it('refuses an empty name, 129 characters, and a character EC2 does not allow anywhere in it', async () => {
    for (const n of ['', 'x'.repeat(129), '$ok', 'ok$', 'o$k', 'naïve'])
      expect(await refusal('name', n), n).toBe(NAME_MESSAGE);
  });

  it('wants at least three characters when the name has a "?"', async () => {
    expect(await refusal('name', 'a?')).toBe('must be at least 3 characters when it has a "?"');
    expect(await refusal('name', 'ab?')).toBeUndefined();
    expect(await refusal('name', 'ab')).toBeUndefined();
  });
});

describe('Marketplace product codes', () => {
  it('accepts 1 to 25 letters and digits and refuses the rest', async () => {
    for (const c of ['a', 'abc123XYZ', 'x'.repeat(25)]) expect(await refusal('code', c), c).toBeUndefined();
    for (const c of ['', 'x'.repeat(26), '-ab', 'ab-', 'a b'])
      expect(await refusal('code', c), c).toBe('must be 1–25 letters and digits');
  });
});

describe('alsoAllow criteria', () => {
  const ids = (n: number) => Array.from({ length: n }, (_, i) => String(100000000000 + i));

  it('needs at least one provider, and takes at most 200', async () => {
    expect(await refusal('also', { providers: [] })).toBe(
      'must name at least one provider: names alone would allow any account’s AMI of that name',
    );
    expect(await refusal('also', { providers: ['amazon'] })).toBeUndefined();
    expect(await refusal('also', { providers: ids(200) })).toBeUndefined();
    expect(await refusal('also', { providers: ids(201) })).toBeDefined();
  });

  it('takes 1 to 50 names and 1 to 50 product codes when they are given', async () => {
    const names = (n: number) => Array.from({ length: n }, (_, i) => `image-${i}`);
    for (const [key, make] of [
      ['imageNames', names],
      ['marketplaceProductCodes', (n: number) => names(n).map((s) => s.replace('-', ''))],
    ] as const) {
      expect(await refusal('also', { providers: ['amazon'], [key]: [] }), key).toBeDefined();
      expect(await refusal('also', { providers: ['amazon'], [key]: make(1) }), key).toBeUndefined();
      expect(await refusal('also', { providers: ['amazon'], [key]: make(50) }), key).toBeUndefined();
      expect(await refusal('also', { providers: ['amazon'], [key]: make(51) }), key).toBeDefined();
    }
  });
});

describe('the switch', () => {
  it('takes the two modes EC2 has and no other', async () => {
    expect(await refusal('switch', { mode: 'audit-mode' })).toBeUndefined();
    expect(await refusal('switch', { mode: 'enabled' })).toBeUndefined();
    expect(await refusal('switch', { mode: 'disabled' })).toBeDefined();
  });

  it('defaults to no grace days and no other criteria', async () => {
    const { allowedAmisSchema } = await load();
    expect(allowedAmisSchema.parse({ mode: 'enabled' })).toEqual({
      mode: 'enabled',
      deprecatedGraceDays: 0,
      alsoAllow: [],
    });
  });

  it('takes a list of at least one channel name, each not empty', async () => {
    expect(await refusal('switch', { mode: 'enabled', channels: ['prod', 'staging'] })).toBeUndefined();
    expect(await refusal('switch', { mode: 'enabled', channels: [] })).toBeDefined();
    expect(await refusal('switch', { mode: 'enabled', channels: [''] })).toBeDefined();
  });

  it('takes whole grace days from 0 to EC2’s 2,147,483,647', async () => {
    const { MAX_DAYS } = await load();
    expect(MAX_DAYS).toBe(2_147_483_647);
    for (const d of [0, 1, MAX_DAYS])
      expect(await refusal('switch', { mode: 'enabled', deprecatedGraceDays: d })).toBeUndefined();
    for (const d of [-1, 1.5, MAX_DAYS + 1])
      expect(await refusal('switch', { mode: 'enabled', deprecatedGraceDays: d }), String(d)).toBeDefined();
  });

  it('takes nine more criteria, one fewer than EC2’s ten (Goldsmith’s own images take one), and says why', async () => {
    const { MAX_CRITERIA } = await load();
    expect(MAX_CRITERIA).toBe(10);
    const also = (n: number) => Array.from({ length: n }, () => ({ providers: ['amazon'] }));
    expect(await refusal('switch', { mode: 'enabled', alsoAllow: also(9) })).toBeUndefined();
    expect(await refusal('switch', { mode: 'enabled', alsoAllow: also(10) })).toBe(
      "must list at most 9 criteria: EC2 takes 10 and Goldsmith's own images take one",
    );
  });

  it('takes an exception message that is not empty', async () => {
    expect(await refusal('switch', { mode: 'enabled', exceptionMessage: 'Use a golden image' })).toBeUndefined();
    expect(await refusal('switch', { mode: 'enabled', exceptionMessage: '' })).toBeDefined();
  });

  it('is optional: no switch is no policy', async () => {
    expect(await refusal('switch', undefined)).toBeUndefined();
  });
});
