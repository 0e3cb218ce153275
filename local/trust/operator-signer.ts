import type { Catalog } from '../../core/config/schema.js';
import { NAME_PREFIX, operatorsRoleName } from '../../core/names.js';
import { accountOf, principalMatches, roleNameOfSession } from '../../core/trust/principals.js';
import { LOCAL_ACCOUNT, LOCAL_STAGE } from '../simulator/cloud-types.js';

/**
 * Who `--as` signs the local operator endpoint's requests as (docs/operating.md, "Operator commands", `--as`), in the parts
 * the catalog alone decides: the stacks write the operators' role's trust policy (`access.operators`) and the
 * operator function's resource policy (`access.approvers`' principals) from the catalog (stacks/trust/operator.ts).
 * Shared by the local endpoint (operator-url.ts) and the CLI, which refuses from it before replaying a saved cloud.
 */

const AS_ROLE = /^arn:(aws[a-z-]*):iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/;

/** The caller as AWS reports it: a role signs as one of its sessions; any other principal as itself. */
export function sessionOf(principal: string, sessionName: string): string {
  const m = AS_ROLE.exec(principal);
  return m ? `arn:${m[1]}:sts::${m[2]}:assumed-role/${m[3]}/${sessionName}` : principal;
}

/** Whether the catalog names `principal` itself (or its role) among `access.approvers` (an account id names no one). */
export function namedApprover(catalog: Catalog, principal: string): boolean {
  return Object.values(catalog.access.approvers)
    .flat()
    .some((p) => p.startsWith('arn:') && principalMatches(p, principal));
}

/** The operators' role of the local cloud: the stacks synthesize it for stage `local` in the local account. */
export const localOperatorsRoleArn = (): string =>
  `arn:aws:iam::${LOCAL_ACCOUNT}:role/${operatorsRoleName(LOCAL_STAGE)}`;

/** Who a request is signed as, and whether IAM lets that caller invoke the operator endpoint's URL. */
export interface CatalogSigner {
  signedAs: string;
  invokes: boolean;
}

/**
 * The signer of `as` when the catalog decides it: an approver the catalog names, or the operators' role itself, signs
 * as itself and may invoke (the function's resource policy, the role's own policy); a principal `access.operators`
 * names acts through the operators' role, as a session named after it; anyone else signs as itself, and neither
 * policy lets it in. Undefined when more than the catalog decides: the catalog names no operator (the role then trusts
 * the account, whose administrators may grant sts:AssumeRole), an access entry names a whole account, or `as` is one
 * of the stacks' own roles (their synthesized policies decide).
 */
export function catalogSigner(catalog: Catalog, as: string, operatorsRole: string): CatalogSigner | undefined {
  const signsAsItself = { signedAs: sessionOf(as, 'goldsmith-cli'), invokes: true };
  if (principalMatches(operatorsRole, as) || namedApprover(catalog, as)) return signsAsItself;
  const { operators, approvers } = catalog.access;
  if (operators.some((p) => principalMatches(p, as))) {
    return { signedAs: sessionOf(operatorsRole, as.split('/').pop() ?? 'operator'), invokes: true };
  }
  const entries = [...operators, ...Object.values(approvers).flat()];
  const roleName = AS_ROLE.exec(as)?.[3] ?? roleNameOfSession(as);
  const ownRole = accountOf(as) === accountOf(operatorsRole) && roleName?.startsWith(`${NAME_PREFIX}-`) === true;
  if (operators.length === 0 || entries.some((p) => !p.startsWith('arn:')) || ownRole) return undefined;
  return { signedAs: sessionOf(as, 'goldsmith-cli'), invokes: false };
}

/** The principal operator requests come from unless told: the catalog's first operator (`access.operators`). */
export function defaultOperator(catalog: Catalog): string {
  const first = catalog.access.operators[0];
  if (!first) throw new Error('the catalog names no operator principal (access.operators): pass --as ARN');
  return first;
}

/**
 * Who `--as` names: an ARN as it is; an approver's name as their first IAM principal (`access.approvers[name][0]`);
 * else the one operator principal (`access.operators`) that is a role of that name (`…:role/<name>`, any path).
 */
export function principalOf(catalog: Catalog, nameOrArn: string): string {
  if (nameOrArn.startsWith('arn:')) return nameOrArn;
  const approver = catalog.access.approvers[nameOrArn]?.[0];
  if (approver) return approver;
  const operators = catalog.access.operators.filter((arn) => /:role\/(?:.*\/)?([^/]+)$/.exec(arn)?.[1] === nameOrArn);
  if (operators.length > 1) {
    throw new Error(
      `--as ${nameOrArn}: more than one operator role of that name (${operators.join(', ')}): pass the ARN`,
    );
  }
  const operator = operators[0];
  if (!operator) {
    throw new Error(
      `--as ${nameOrArn}: not an ARN, and the catalog maps no approver of that name nor names an operator role of it (access.operators)`,
    );
  }
  return operator;
}
