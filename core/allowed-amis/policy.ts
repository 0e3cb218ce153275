import type { AllowedAmisSpec } from '../config/schema-allowed-amis.js';
import type { ImageCriterion } from './criteria.js';

/**
 * The AWS Organizations declarative policy for EC2 (policy type `DECLARATIVE_POLICY_EC2`) that sets the criteria in
 * every account it is attached to. Its syntax (https://docs.aws.amazon.com/organizations/latest/userguide/
 * orgs_manage_policies_declarative_syntax.html, "Allowed Images Settings"): `ec2_attributes` →
 * `allowed_images_settings` → `state` (`enabled`, `audit_mode` or `disabled`) and `image_criteria` with
 * `criteria_1` … `criteria_10`, each with `allowed_image_providers` (account ids or the aliases `amazon`,
 * `aws_marketplace`, `aws_backup_vault`: underscores where EC2's API has dashes), `image_names`,
 * `marketplace_product_codes`, `creation_date_condition.maximum_days_since_created` and
 * `deprecation_time_condition.maximum_days_since_deprecated`; `ec2_attributes.exception_message` is the message a
 * refused call shows. Every value is set with `@@assign`, which replaces what a parent policy set
 * (https://docs.aws.amazon.com/organizations/latest/userguide/policy-operators.html). Child control operators are
 * left out: the same policy may be attached to an OU and to an account in it. Pure.
 */

type Assign<T> = { '@@assign': T };

export interface PolicyCriterion {
  allowed_image_providers: Assign<string[]>;
  image_names?: Assign<string[]>;
  marketplace_product_codes?: Assign<string[]>;
  deprecation_time_condition?: { maximum_days_since_deprecated: Assign<number> };
}

export interface DeclarativePolicy {
  ec2_attributes: {
    allowed_images_settings: {
      state: Assign<'enabled' | 'audit_mode'>;
      image_criteria: Record<string, PolicyCriterion>;
    };
    exception_message?: Assign<string>;
  };
}

/** A provider as the declarative policy spells it: aliases with underscores (an account id has no dash to change). */
export function policyProvider(provider: string): string {
  return provider.replaceAll('-', '_');
}

function policyCriterion(c: ImageCriterion): PolicyCriterion {
  return {
    allowed_image_providers: { '@@assign': c.ImageProviders.map(policyProvider) },
    ...(c.ImageNames ? { image_names: { '@@assign': [...c.ImageNames] } } : {}),
    ...(c.MarketplaceProductCodes ? { marketplace_product_codes: { '@@assign': [...c.MarketplaceProductCodes] } } : {}),
    ...(c.DeprecationTimeCondition
      ? {
          deprecation_time_condition: {
            maximum_days_since_deprecated: { '@@assign': c.DeprecationTimeCondition.MaximumDaysSinceDeprecated },
          },
        }
      : {}),
  };
}

/** The policy document: the mode (`audit-mode` is `audit_mode` here), the criteria in order, the message. */
export function declarativePolicy(spec: AllowedAmisSpec, criteria: readonly ImageCriterion[]): DeclarativePolicy {
  const imageCriteria: Record<string, PolicyCriterion> = {};
  criteria.forEach((c, i) => {
    imageCriteria[`criteria_${i + 1}`] = policyCriterion(c);
  });
  return {
    ec2_attributes: {
      allowed_images_settings: {
        state: { '@@assign': spec.mode === 'enabled' ? 'enabled' : 'audit_mode' },
        image_criteria: imageCriteria,
      },
      ...(spec.exceptionMessage ? { exception_message: { '@@assign': spec.exceptionMessage } } : {}),
    },
  };
}
