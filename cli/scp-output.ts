import type { ScpPart } from '../core/scp/split.js';
import { readablePart, SCP_MAX_CHARACTERS, SCP_SLOTS_PER_TARGET } from '../core/scp/split.js';

/** What `goldsmith scp` wrote the policy from, and the policy. */
export interface ScpWritten {
  stage: string;
  account: string;
  /** Where the role names came from: the stage's stacks, or the names the stacks synthesize (and why). */
  roles: { from: 'deployed'; count: number } | { from: 'synthesized'; why: string };
  parts: ScpPart[];
  /** Files written with --out, by part name. */
  files?: Record<string, string>;
}

/** The JSON document `--json` prints. */
export function scpJson(w: ScpWritten): Record<string, unknown> {
  return {
    stage: w.stage,
    account: w.account,
    roles: w.roles,
    maxCharacters: SCP_MAX_CHARACTERS,
    slots: w.parts.length,
    parts: w.parts.map((p) => ({
      name: p.name,
      statements: p.sids,
      characters: p.content.length,
      ...(w.files?.[p.name] ? { file: w.files[p.name] } : {}),
      document: p.document,
    })),
  };
}

/** The commands to run from the management account for each part (the file, or `<part>.json`). */
function commands(w: ScpWritten, target: string): string[] {
  return w.parts.flatMap((p) => [
    `aws organizations create-policy --type SERVICE_CONTROL_POLICY --name ${p.name} --description "Goldsmith ${w.stage}: ${p.sids.length} statements" --content file://${w.files?.[p.name] ?? `${p.name}.json`}`,
    `aws organizations attach-policy --policy-id <the id create-policy printed for ${p.name}> --target-id ${target}`,
  ]);
}

/** The text `goldsmith scp` prints: what it was written from, the parts, the slots they take and the commands. */
export function renderScp(w: ScpWritten): string {
  const target = w.account === '*' ? '<the factory account, or an OU above it>' : w.account;
  const roles =
    w.roles.from === 'deployed'
      ? `the ${w.roles.count} roles stage ${w.stage}'s stacks deployed`
      : `role names as the stacks synthesize them (${w.roles.why})`;
  const lines = [
    `service control policy for stage ${w.stage}, account ${w.account}, from ${roles}:`,
    `${w.parts.reduce((n, p) => n + p.sids.length, 0)} statements in ${w.parts.length} policies of at most ${SCP_MAX_CHARACTERS} characters each (minified: ${w.parts.map((p) => p.content.length).join(', ')}).`,
    `They take ${w.parts.length} SCP slots where they are attached (${SCP_SLOTS_PER_TARGET} a root, OU or account, FullAWSAccess taking one; attach them to the factory account itself or to an OU holding only it: some statements name no Goldsmith resource, so on a shared OU or the root they refuse other accounts' calls too).`,
    '',
  ];
  if (!w.files) for (const p of w.parts) lines.push(`${p.name}:`, readablePart(p), '');
  else lines.push(`wrote ${Object.values(w.files).join(', ')}`, '');
  lines.push('From the management account:', ...commands(w, target).map((c) => `  ${c}`));
  return `${lines.join('\n')}\n`;
}
