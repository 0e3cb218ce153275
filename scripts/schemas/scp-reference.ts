import { goldsmithScp, readablePart, SCP_MAX_CHARACTERS } from '../../core/scp/split.js';
import { DEFAULT_DEPLOYER, DEFAULT_KEY_ROTATOR, DOCUMENTED_SINK_SECRETS } from '../../core/scp/statements.js';

/** The stage and account the page shows the policy for. */
export const PAGE_SCP_OPTIONS = {
  stage: 'prod',
  account: '*',
  deployer: DEFAULT_DEPLOYER,
  keyRotator: DEFAULT_KEY_ROTATOR,
  sinkSecrets: DOCUMENTED_SINK_SECRETS,
} as const;

/** The pages the policy is shown on, the first two parts on the first: each part is some 125 lines. */
export const SCP_POLICY_PAGES = ['docs/security/scp-policy.md', 'docs/security/scp-policy-2.md'] as const;
const PARTS_ON_FIRST_PAGE = 2;

const partText = (part: ReturnType<typeof goldsmithScp>[number]) =>
  `## \`${part.name}\`\n\n${part.content.length} of ${SCP_MAX_CHARACTERS} characters minified, ${part.sids.length} statements:\n${part.sids.map((sid) => `\`${sid}\``).join(', ')}.\n\n\`\`\`json\n${readablePart(part)}\n\`\`\`\n`;

/**
 * docs/security/scp-policy.md and scp-policy-2.md: each part `goldsmith scp --stage prod --offline` writes, as a JSON
 * block with its name, size and statements (docs/security/scp.md explains them), over two pages (a page of docs/
 * holds at most 500 lines).
 */
export function scpPolicyPages(): Record<(typeof SCP_POLICY_PAGES)[number], string> {
  const parts = goldsmithScp(PAGE_SCP_OPTIONS);
  const intro = `# The service control policy for stage prod

This page answers what the service control policy holds, word for word, for stage \`prod\`. Generated from \`core/scp/\` by \`npm run schemas\`: what \`goldsmith scp --stage prod --offline\` writes (account \`*\`,
deploy role \`goldsmith-deployer\`, key rotator \`goldsmith-key-rotator\`, a catalog naming no approvers, with Teams and one webhook whose secrets are
\`goldsmith/teams\` and \`goldsmith/webhooks/change-board\`). Write yours with \`goldsmith scp\`, which names
your stage, account and roles. What each statement holds and why: [scp.md](scp.md). Its parts from the third on:
[scp-policy-2.md](scp-policy-2.md).

`;
  const rest = `# The service control policy for stage prod, continued

This page answers what the service control policy's parts from the third on hold, word for word, for stage \`prod\`
(generated with [scp-policy.md](scp-policy.md), which says for what catalog and roles). What each statement holds and
why: [scp.md](scp.md).

`;
  return {
    'docs/security/scp-policy.md': intro + parts.slice(0, PARTS_ON_FIRST_PAGE).map(partText).join('\n'),
    'docs/security/scp-policy-2.md': rest + parts.slice(PARTS_ON_FIRST_PAGE).map(partText).join('\n'),
  };
}

/** Both pages, one after the other (what the tests compare the documented policy with). */
export function scpPolicyPage(): string {
  return Object.values(scpPolicyPages()).join('\n');
}
