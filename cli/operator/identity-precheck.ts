import type { Catalog } from '../../core/config/schema.js';
import { authorizeOperatorRequest } from '../../core/trust/operator-access.js';
import { iamRefusalText } from '../../core/trust/refusal-text.js';
import { operatorDoorOf, parseOperatorRequest } from '../../events/operator-request.js';
import { catalogSigner, localOperatorsRoleArn } from '../../local/trust/operator-signer.js';

/**
 * On a saved cloud, whether `principal` may send `request` at all, said before the cloud is replayed when the catalog
 * alone decides it: IAM's refusal for a principal neither the operators' role nor the function's resource policy
 * admits, else the endpoint's own (core/trust/operator-access.ts): approve and reject only by the channel's approvers,
 * every other action only by a session of the operators' role. The revoke and rollback doors' resource policies admit
 * no approver (stacks/trust/operator.ts): there an approver signing as themselves gets IAM's refusal. The same words
 * the endpoint answers, from the same definitions. Undefined when the request may go (or only the replay can tell).
 */
export function identityRefusal(
  catalog: Catalog,
  request: Record<string, unknown>,
  principal: string,
): { status: number; error: string } | undefined {
  const parsed = parseOperatorRequest(request);
  if (!parsed.ok) return undefined;
  const role = localOperatorsRoleArn();
  const signer = catalogSigner(catalog, principal, role);
  if (!signer) return undefined;
  if (!signer.invokes) return { status: 403, error: iamRefusalText(signer.signedAs) };
  const operatorsSession = signer.signedAs.includes(`:assumed-role/${role.split('/').pop()}/`);
  if (!operatorsSession && operatorDoorOf(parsed.request.action) !== 'operator') {
    return { status: 403, error: iamRefusalText(signer.signedAs) };
  }
  const decision = authorizeOperatorRequest(catalog, parsed.request, signer.signedAs, role);
  return decision.ok ? undefined : { status: decision.status, error: decision.error };
}
