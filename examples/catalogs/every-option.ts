import { defineConfig } from '../../core/config/define.js';
import type { CatalogInput } from '../../core/config/schema.js';
import rollout from './example-rollout.js';

/** Every notification sink Goldsmith speaks, on: email, approvers' own links, Slack, Microsoft Teams, signed webhooks. */
export const EVERY_SINK: Pick<CatalogInput['notifications'] & object, 'teams' | 'webhooks'> = {
  teams: { secretName: 'goldsmith/teams' },
  webhooks: [
    { name: 'change-board', url: 'https://hooks.example.com/goldsmith', secretName: 'goldsmith/webhooks/change-board' },
    { name: 'audit-log', url: 'https://audit.example.org/in', secretName: 'goldsmith/webhooks/audit-log' },
  ],
};

/**
 * The example catalog with every optional block on: its prod rollout (examples/catalogs/example-rollout.ts) and every
 * notification sink. The stacks synthesized from it are the IAM reference's (docs/reference/iam.md); `npm run verify`
 * and the readiness tests check its app; `goldsmith simulate --config examples/catalogs/every-option.ts` runs the
 * default quarter with Teams and the webhooks receiving its announcements.
 */
export default defineConfig({ ...rollout, notifications: { ...rollout.notifications, ...EVERY_SINK } });
