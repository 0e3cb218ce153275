import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The service control policy docs/security/scp-policy.md gives, for stage `prod`, as the policy documents an
 * organization would attach: every ```json block of the page that holds a Deny of Goldsmith's resources to other principals (a
 * lone statement is wrapped in a document).
 */
export function documentedScps(): string[] {
  // The policy's parts run over two pages (scripts/schemas/scp-reference.ts).
  const page = ['scp-policy.md', 'scp-policy-2.md']
    .map((f) => readFileSync(join(import.meta.dirname, '../../../docs/security', f), 'utf8'))
    .join('\n');
  const blocks = [...page.matchAll(/```json\n([\s\S]*?)\n```/g)].map((m) => m[1] ?? '');
  return blocks
    .filter((b) => b.includes('"Deny"') && b.includes('aws:PrincipalArn') && !b.includes('"Principal"'))
    .map((b) => {
      const parsed = JSON.parse(b) as { Statement?: unknown };
      return JSON.stringify(parsed.Statement ? parsed : { Version: '2012-10-17', Statement: [parsed] });
    });
}
