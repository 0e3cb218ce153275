import * as z from 'zod';

const account = z.string().regex(/^\d{12}$/, 'must be a 12-digit account id');

/** One launch permission entry, as EC2's LaunchPermission names a grantee (exactly one field). */
const grant = z.union([
  z.strictObject({ UserId: account }),
  z.strictObject({ OrganizationArn: z.string().regex(/^arn:aws[a-z-]*:organizations::\d{12}:organization\/o-/) }),
  z.strictObject({ OrganizationalUnitArn: z.string().regex(/^arn:aws[a-z-]*:organizations::\d{12}:ou\/o-/) }),
  z.strictObject({ Group: z.literal('all') }),
]);

/**
 * Someone in the factory account who is not Goldsmith changes what Goldsmith made, through the same SDK calls a
 * person with the rights would make (local/simulator/outside-change.ts), as `as` (default: an administrator role of
 * the factory account). Only a pointer's overwrite sends an event (Parameter Store's own); the audit finds the rest
 * (docs/simulation.md, `outside-change`).
 * - `put-parameter`: overwrites `/goldsmith/<image>/<channel>` in `region` with `value` (an AMI id), by default the
 *   value the parameter held before its current version (the channel rolled back by hand); with `dropEvent`, the
 *   Parameter Store Change it makes is lost on the way (the event history's daily read, or the sweep, finds it);
 * - `delete-schedule`: deletes the schedule of `image` `version`'s revocation asked for later (`revoke --at`);
 * - `modify-launch-permission`: adds and/or removes launch permissions of `image` `version`'s AMI in `region`;
 * - `update-function-code`: uploads other code into the Goldsmith function whose handler is `handler`
 *   (`functions/promotion/publish.handler`);
 * - `disable-rule`, `remove-targets`, `delete-rule`: disables the EventBridge rule named `rule` in `region`, removes
 *   every target of it, or removes its targets and deletes it (the findings-forwarding rule,
 *   `<stage>-goldsmith-findings-to-home`, silences that Region's Inspector findings).
 */
export const outsideChange = z
  .strictObject({
    kind: z.literal('outside-change'),
    action: z.enum([
      'put-parameter',
      'delete-schedule',
      'modify-launch-permission',
      'update-function-code',
      'disable-rule',
      'remove-targets',
      'delete-rule',
    ]),
    image: z.string().min(1).optional(),
    rule: z.string().min(1).optional(),
    handler: z
      .string()
      .regex(/^functions\/[\w/-]+\.handler$/, 'must be a handler like "functions/promotion/publish.handler"')
      .optional(),
    channel: z.string().min(1).optional(),
    version: z.string().min(1).optional(),
    region: z.string().min(1).optional(),
    value: z
      .string()
      .regex(/^ami-([0-9a-f]{8}|[0-9a-f]{17})$/, 'must be an AMI id like "ami-0123456789abcdef0"')
      .optional(),
    add: z.array(grant).min(1).optional(),
    remove: z.array(grant).min(1).optional(),
    /** `put-parameter`: Parameter Store's "Parameter Store Change" of the write is lost on its way to the bus. */
    dropEvent: z.boolean().optional(),
    as: z
      .string()
      .regex(/^arn:aws[a-z-]*:(iam|sts)::\d{12}:.+$/, 'must be an IAM principal ARN of the factory account')
      .optional(),
  })
  .superRefine((c, ctx) => {
    const needs: Record<typeof c.action, readonly ('image' | 'channel' | 'version' | 'region' | 'rule' | 'handler')[]> =
      {
        'put-parameter': ['image', 'channel', 'region'],
        'delete-schedule': ['image', 'version'],
        'modify-launch-permission': ['image', 'version', 'region'],
        'update-function-code': ['handler'],
        'disable-rule': ['rule', 'region'],
        'remove-targets': ['rule', 'region'],
        'delete-rule': ['rule', 'region'],
      };
    for (const field of needs[c.action]) {
      if (c[field] === undefined) ctx.addIssue({ code: 'custom', path: [field], message: `required for ${c.action}` });
    }
    if (c.action === 'modify-launch-permission' && !c.add && !c.remove) {
      ctx.addIssue({ code: 'custom', path: ['add'], message: 'modify-launch-permission needs add or remove' });
    }
    const only: [keyof typeof c, typeof c.action][] = [
      ['value', 'put-parameter'],
      ['dropEvent', 'put-parameter'],
      ['add', 'modify-launch-permission'],
      ['remove', 'modify-launch-permission'],
      ['handler', 'update-function-code'],
    ];
    for (const [field, action] of only) {
      if (c[field] !== undefined && c.action !== action) {
        ctx.addIssue({ code: 'custom', path: [field], message: `only for ${action}` });
      }
    }
  });
export type OutsideChangeAction = z.output<typeof outsideChange>;
