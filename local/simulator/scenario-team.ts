import * as z from 'zod';

/**
 * A member team deploys its own launch template version on the group that follows `image`'s `channel` in `account`
 * (in `region`, default every Region of the image), between two rollouts: a new version from the one the group runs
 * with its own `instanceType` and/or `userData`, the group set to it and refreshed (local/simulator/fleet-shapes.ts).
 * A take-back of an earlier rollout leaves such a group as the team set it; the next rollout's version keeps it.
 */
export const teamDeployChange = z
  .strictObject({
    kind: z.literal('team-deploy'),
    image: z.string().min(1),
    channel: z.string().min(1),
    account: z.string().regex(/^\d{12}$/, 'must be a 12-digit account id'),
    region: z.string().min(1).optional(),
    instanceType: z
      .string()
      .regex(/^[a-z0-9-]+\.[a-z0-9]+$/, 'must be an instance type like "m6i.large"')
      .optional(),
    userData: z.string().min(1).max(16_384).optional(),
  })
  .refine((d) => d.instanceType !== undefined || d.userData !== undefined, {
    path: ['instanceType'],
    message: 'team-deploy needs instanceType or userData (what the team changes)',
  });
export type TeamDeployAction = z.output<typeof teamDeployChange>;
