/**
 * The policy split into documents that each fit Organizations' size quota (pure). AWS's quotas page: "Service
 * control policies: 5120 characters", and "If you save the policy using an SDK operation or the AWS CLI, then the
 * policy is saved exactly as you provided and no character removal occurs" (only the console strips white space):
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html. So each part is measured,
 * and written, minified. Since 15 May 2026 the quota is 10,240 characters and ten SCPs a node
 * (https://sjramblings.io/aws-organizations-scp-quotas-doubled-what-now/); parts that fit the older 5,120 fit both.
 */
import { type ScpOptions, type ScpStatementSpec, scpStatementSpecs, statementJson } from './statements.js';

/** The size quota every part fits, minified: the older, smaller one, which holds in every organization. */
export const SCP_MAX_CHARACTERS = 5120;

/** SCPs one root, OU or account may have attached directly (older quota; `FullAWSAccess` takes one). */
export const SCP_SLOTS_PER_TARGET = 5;

/** One policy document of the split, as it is created in Organizations. */
export interface ScpPart {
  /** `goldsmith-<stage>-scp-<n>`. */
  name: string;
  /** The `Sid`s it holds, in order. */
  sids: string[];
  document: { Version: '2012-10-17'; Statement: Record<string, unknown>[] };
  /** Its minified JSON: what to pass to `aws organizations create-policy --content`. */
  content: string;
}

const documentOf = (statements: Record<string, unknown>[]) => ({
  Version: '2012-10-17' as const,
  Statement: statements,
});

/** The statements packed, in order, into as few documents as fit `max` characters each (minified). */
export function splitScp(
  specs: readonly ScpStatementSpec[],
  stage: string,
  max: number = SCP_MAX_CHARACTERS,
): ScpPart[] {
  const groups: ScpStatementSpec[][] = [];
  for (const spec of specs) {
    const last = groups.at(-1);
    if (last && JSON.stringify(documentOf([...last, spec].map(statementJson))).length <= max) last.push(spec);
    else {
      const alone = JSON.stringify(documentOf([statementJson(spec)])).length;
      if (alone > max) throw new Error(`statement ${spec.sid} alone is ${alone} characters, over ${max}`);
      groups.push([spec]);
    }
  }
  return groups.map((group, i) => {
    const document = documentOf(group.map(statementJson));
    return {
      name: `goldsmith-${stage}-scp-${i + 1}`,
      sids: group.map((s) => s.sid),
      document,
      content: JSON.stringify(document),
    };
  });
}

/** The whole policy for `options`, split. */
export const goldsmithScp = (options: ScpOptions): ScpPart[] => splitScp(scpStatementSpecs(options), options.stage);

/** Widest line of a part as people read it (docs/security/scp-policy.md, generated from it, stays under the pages' 500 lines). */
const WIDTH = 130;

/** `value` as JSON at `indent`: compact when `prefix` + it fit the width, else an array's items or an object's entries a line each. */
function wrapped(value: unknown, indent: string, prefix: string): string {
  const compact = JSON.stringify(value);
  if (indent.length + prefix.length + compact.length <= WIDTH || typeof value !== 'object' || value === null)
    return `${indent}${prefix}${compact}`;
  const inner = `${indent}  `;
  if (Array.isArray(value) && value.some((v) => inner.length + JSON.stringify(v).length + 1 > WIDTH))
    return `${indent}${prefix}[\n${value.map((v) => wrapped(v, inner, '')).join(',\n')}\n${indent}]`;
  if (Array.isArray(value)) {
    const lines: string[] = [];
    let line = '';
    for (const item of value.map((v) => JSON.stringify(v))) {
      if (line && inner.length + line.length + item.length + 2 > WIDTH) {
        lines.push(`${inner}${line}`);
        line = '';
      }
      line = line ? `${line}, ${item}` : item;
    }
    lines.push(`${inner}${line}`);
    return `${indent}${prefix}[\n${lines.join(',\n')}\n${indent}]`;
  }
  // Entries that fit on one line share it while the width allows (`"Sid": "…", "Effect": "Deny",`).
  const lines: string[] = [];
  let line = '';
  for (const entry of Object.entries(value).map(([k, v]) => wrapped(v, inner, `${JSON.stringify(k)}: `))) {
    const single = !entry.includes('\n');
    if (line && single && line.length + entry.length - inner.length + 2 <= WIDTH) {
      line = `${line}, ${entry.slice(inner.length)}`;
      continue;
    }
    if (line) lines.push(line);
    line = single ? entry : '';
    if (!single) lines.push(entry);
  }
  if (line) lines.push(line);
  return `${indent}${prefix}{\n${lines.join(',\n')}\n${indent}}`;
}

/** A part as people read it: the same JSON as `content`, no line wider than 140 characters. */
export function readablePart(part: ScpPart): string {
  return wrapped(part.document, '', '');
}
