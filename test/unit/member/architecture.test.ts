import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(new URL('../../../', import.meta.url).pathname);

describe('member/ (the code that runs inline in member accounts)', () => {
  it('imports only core/, Node built-ins and the SDK clients the Lambda runtime ships', () => {
    const imports = readdirSync(join(ROOT, 'member')).flatMap((name) => {
      const text = readFileSync(join(ROOT, 'member', name), 'utf8');
      return [...text.matchAll(/from\s+['"]([^'"]+)['"]/g)].map((m) => {
        const spec = m[1]!;
        return spec.startsWith('.') ? relative(ROOT, resolve(ROOT, 'member', spec)).split('/')[0]! : spec;
      });
    });
    const foreign = imports.filter(
      (i) => !['core', 'member', 'node:https', '@aws-sdk/client-iam', '@aws-sdk/client-kms'].includes(i),
    );
    expect(foreign).toEqual([]);
  });
});
