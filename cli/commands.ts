import type { Command } from './command.js';

export type { Command } from './command.js';

/**
 * Every subcommand, loaded on demand so one command's dependencies never slow another down.
 * Adding a command is one line: `name: () => import('./name.js').then((m) => m.command),`.
 */
export const commands: Readonly<Record<string, () => Promise<Command>>> = {
  validate: () => import('./validate.js').then((m) => m.command),
  preflight: () => import('./preflight.js').then((m) => m.command),
  scp: () => import('./scp.js').then((m) => m.command),
  simulate: () => import('./simulate.js').then((m) => m.command),
  explain: () => import('./explain.js').then((m) => m.command),
  status: () => import('./status.js').then((m) => m.command),
  history: () => import('./history.js').then((m) => m.command),
  sbom: () => import('./sbom.js').then((m) => m.command),
  diff: () => import('./diff.js').then((m) => m.command),
  fleet: () => import('./fleet.js').then((m) => m.command),
  'allowed-amis': () => import('./allowed-amis.js').then((m) => m.command),
  build: () => import('./act.js').then((m) => m.actionCommand('build')),
  approve: () => import('./act.js').then((m) => m.actionCommand('approve')),
  reject: () => import('./act.js').then((m) => m.actionCommand('reject')),
  promote: () => import('./act.js').then((m) => m.actionCommand('promote')),
  rollback: () => import('./act.js').then((m) => m.actionCommand('rollback')),
  revoke: () => import('./act.js').then((m) => m.actionCommand('revoke')),
  restore: () => import('./act.js').then((m) => m.actionCommand('restore')),
  resume: () => import('./act.js').then((m) => m.actionCommand('resume')),
  lifecycle: () => import('./lifecycle.js').then((m) => m.command),
  rollout: () => import('./rollout.js').then((m) => m.command),
  'rotate-signing-key': () => import('./rotate-signing-key.js').then((m) => m.command),
  serve: () => import('./serve.js').then((m) => m.command),
};
