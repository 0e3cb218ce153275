import { BUS_EVENTS } from '../events/catalog.js';
import type { Explanation } from './explain-event.js';

/** How people call a kind: its detail-type for bus events (`EC2 Image Builder Image State Change`), else the kind. */
function kindLabel(kind: string): string {
  return Object.hasOwn(BUS_EVENTS, kind) ? BUS_EVENTS[kind as keyof typeof BUS_EVENTS].detailType : kind;
}

/** The human answer: known, valid, matched rules with their targets, then the actions as a bullet list. */
export function renderExplanation(e: Explanation): string {
  const lines = [e.known && e.kind !== undefined ? `known: yes (${kindLabel(e.kind)})` : 'known: no'];
  if (e.valid !== undefined) lines.push(e.valid ? 'valid: yes' : `valid: no — ${e.reason ?? 'malformed'}`);
  lines.push(
    e.routes.length === 0
      ? 'matched: none of our rules'
      : `matched: ${e.routes.map((r) => `${r.name} → ${r.targets.join(', ')}`).join('; ')}`,
  );
  lines.push(e.actions.length === 0 ? 'actions: none' : 'actions:', ...e.actions.map((a) => `  - ${a}`));
  if (e.notes.length > 0) lines.push('notes:', ...e.notes.map((n) => `  - ${n}`));
  return `${lines.join('\n')}\n`;
}
