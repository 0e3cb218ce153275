import * as z from 'zod';
import type { OrganizationChange } from '../fakes/organization-changes.js';

const account = z.string().regex(/^\d{12}$/, 'must be a 12-digit account id');
const ou = z.string().regex(/^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/, 'must be an OU id like "ou-ab12-cdef3456"');
const parent = z.string().min(1).describe('an OU id, or the root id');

/**
 * A change an administrator makes to the organization during the run (local/fakes/organization-changes.ts), or a
 * member account makes to its own membership (`leave-organization`; `accept-invitation`, an outside account joining
 * the root, with `tags` if any): the Organizations fake changes at once and CloudTrail's events reach the default
 * bus, unless `dropEvent` loses them (only the daily full read then catches the change).
 */
export const organizationChange = z
  .strictObject({
    kind: z.literal('organization'),
    change: z.enum([
      'create-account',
      'move-account',
      'remove-account',
      'close-account',
      'tag-account',
      'create-ou',
      'rename-ou',
      'delete-ou',
      'leave-organization',
      'accept-invitation',
    ]),
    account: account.optional(),
    ou: ou.optional(),
    /** Where a created account or OU goes, or where an account moves (default: the root). */
    to: parent.optional(),
    name: z.string().min(1).max(128).optional(),
    /** Tags to set on an account; `null` removes one. */
    tags: z.record(z.string().min(1).max(128), z.string().max(256).nullable()).optional(),
    dropEvent: z.boolean().default(false),
  })
  .superRefine((c, ctx) => {
    const needs: Record<string, readonly ('account' | 'ou' | 'to' | 'name' | 'tags')[]> = {
      'create-account': ['account'],
      'move-account': ['account', 'to'],
      'remove-account': ['account'],
      'close-account': ['account'],
      'tag-account': ['account', 'tags'],
      'create-ou': ['ou'],
      'rename-ou': ['ou', 'name'],
      'delete-ou': ['ou'],
      'leave-organization': ['account'],
      'accept-invitation': ['account'],
    };
    for (const field of needs[c.change] ?? []) {
      if (c[field] === undefined) ctx.addIssue({ code: 'custom', path: [field], message: `required for ${c.change}` });
    }
    // A field the change does not read is refused, not ignored: `ou` on a create-account would otherwise put the
    // account under the root while the scenario's author believes it in that OU (`to` says where it goes).
    const uses = new Set([...(needs[c.change] ?? []), ...(optional[c.change] ?? [])]);
    for (const field of ['account', 'ou', 'to', 'name', 'tags'] as const) {
      if (c[field] !== undefined && !uses.has(field)) {
        const hint = field === 'ou' && uses.has('to') ? ' (`to` says where it goes)' : '';
        ctx.addIssue({ code: 'custom', path: [field], message: `not used by ${c.change}${hint}` });
      }
    }
  });

/** The fields a change reads besides the ones it needs. */
const optional: Record<string, readonly ('account' | 'ou' | 'to' | 'name' | 'tags')[]> = {
  'create-account': ['to', 'tags'],
  'create-ou': ['to', 'name'],
  'accept-invitation': ['tags'],
};
export type OrganizationChangeAction = z.output<typeof organizationChange>;

/**
 * Someone in the factory account takes an association out of a channel's pointer share outside Goldsmith
 * (local/fakes/ram.ts `disassociateOutside`): a principal (account id, OU or organization ARN) or the parameter of
 * `image`'s pointer. No event says so; the reconciler's daily backstop finds it and puts it back.
 */
export const pointerShareChange = z
  .strictObject({
    kind: z.literal('pointer-share'),
    channel: z.string().min(1),
    region: z.string().min(1),
    /** The principal to take out (an account id, an OU ARN or the organization ARN)... */
    principal: z.string().min(1).optional(),
    /** ...or the image whose pointer parameter to take out. */
    image: z.string().min(1).optional(),
  })
  .refine((c) => (c.principal === undefined) !== (c.image === undefined), {
    message: 'names exactly one of principal or image',
  });
export type PointerShareChangeAction = z.output<typeof pointerShareChange>;

/** The fake's change from the scenario's action (the schema checked that each change has the fields it needs). */
export function organizationChangeOf(a: OrganizationChangeAction): OrganizationChange {
  const account = a.account ?? '';
  const ou = a.ou ?? '';
  switch (a.change) {
    case 'create-account': {
      const tags = Object.fromEntries(Object.entries(a.tags ?? {}).filter((e): e is [string, string] => e[1] !== null));
      return { change: a.change, account, to: a.to, tags };
    }
    case 'move-account':
      return { change: a.change, account, to: a.to ?? '' };
    case 'remove-account':
    case 'close-account':
    case 'leave-organization':
      return { change: a.change, account };
    case 'accept-invitation': {
      const tags = Object.fromEntries(Object.entries(a.tags ?? {}).filter((e): e is [string, string] => e[1] !== null));
      return { change: a.change, account, tags };
    }
    case 'tag-account':
      return { change: a.change, account, tags: a.tags ?? {} };
    case 'create-ou':
      return { change: a.change, ou, to: a.to, name: a.name };
    case 'rename-ou':
      return { change: a.change, ou, name: a.name ?? ou };
    case 'delete-ou':
      return { change: a.change, ou };
  }
}
