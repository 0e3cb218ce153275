import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MINIMUM_ACCOUNT_CONCURRENCY, RESERVED_CONCURRENCY } from '../../../stacks/reserved-concurrency.js';

const doc = (name: string) =>
  readFileSync(join(import.meta.dirname, '../../../docs', name), 'utf8').replace(/\s+/g, ' ');

describe('the account concurrency the deploy needs, as the docs state it', () => {
  it('is the sum of every reservation and the 100 Lambda keeps unreserved, in deploy.md and security/approvals.md', () => {
    const sum = Object.values(RESERVED_CONCURRENCY).join(' + ');
    expect(doc('security/approvals.md')).toContain(
      `at least 100 + ${sum} = ${MINIMUM_ACCOUNT_CONCURRENCY} in the home Region`,
    );
    expect(doc('deploy.md')).toContain(`must be at least ${MINIMUM_ACCOUNT_CONCURRENCY},`);
  });
});
