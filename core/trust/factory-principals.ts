import type { Catalog } from '../config/schema.js';
import { accountOf } from './principals.js';

/**
 * The catalog's operators and approvers that are principals of the factory account itself (pure). Any IAM
 * administrator of that account can take such a principal over (rewrite a role's trust and assume it, give a user
 * an access key) and then approve, revoke or roll back as it; Goldsmith's SCP does not hold customer roles. So
 * `goldsmith preflight` and `goldsmith validate --factory-account` warn, one line per principal, with the remedy.
 */
export function factoryPrincipalWarnings(catalog: Catalog, factoryAccount: string): string[] {
  const named: { field: string; arn: string; acts: string }[] = [
    ...catalog.access.operators.map((arn, i) => ({
      field: `access.operators[${i}]`,
      arn,
      acts: 'promote, revoke and roll back as the operators',
    })),
    ...Object.entries(catalog.access.approvers).flatMap(([name, arns]) =>
      arns.map((arn, i) => ({ field: `access.approvers.${name}[${i}]`, arn, acts: `approve as ${name}` })),
    ),
  ];
  return named
    .filter((p) => accountOf(p.arn) === factoryAccount)
    .map(({ field, arn, acts }) => {
      const kind = /:user\//.test(arn) ? 'user' : 'role';
      return `${field}: ${arn} is a ${kind} in the factory account ${factoryAccount}: it is only as safe as that account's IAM administrators (any of them can take it over and ${acts}); name principals of another account, or protect the ${kind} with an SCP of your own`;
    });
}
