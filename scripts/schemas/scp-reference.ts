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

/**
 * docs/security/scp-policy.md: each part `goldsmith scp --stage prod --offline` writes, as a JSON block with its
 * name, size and statements (docs/security/scp.md explains them).
 */
export function scpPolicyPage(): string {
  const parts = goldsmithScp(PAGE_SCP_OPTIONS);
  const intro = `# The service control policy for stage prod

This page answers what the service control policy holds, word for word, for stage \`prod\`. Generated from \`core/scp/\` by \`npm run schemas\`: what \`goldsmith scp --stage prod --offline\` writes (account \`*\`,
deploy role \`goldsmith-deployer\`, key rotator \`goldsmith-key-rotator\`, a catalog naming no approvers, with Teams and one webhook whose secrets are
\`goldsmith/teams\` and \`goldsmith/webhooks/change-board\`). Write yours with \`goldsmith scp\`, which names
your stage, account and roles. What each statement holds and why: [scp.md](scp.md).

`;
  return (
    intro +
    parts
      .map(
        (part) =>
          `## \`${part.name}\`\n\n${part.content.length} of ${SCP_MAX_CHARACTERS} characters minified, ${part.sids.length} statements:\n${part.sids.map((sid) => `\`${sid}\``).join(', ')}.\n\n\`\`\`json\n${readablePart(part)}\n\`\`\`\n`,
      )
      .join('\n')
  );
}
