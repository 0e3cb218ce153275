import type { StackContext } from 'sst/constructs';
import { Factory } from './Factory.js';
import { FACTORY_IMAGE_STACKS } from './FactoryImages.js';
import { Ledger } from './Ledger.js';
import { MemberBaseline } from './MemberBaseline.js';
import { Monitoring } from './Monitoring.js';
import { Notifications } from './Notifications.js';
import { Promotion } from './Promotion.js';
import { Triggers } from './Triggers.js';
import { Trust } from './Trust.js';

/**
 * Goldsmith's stacks in deploy order: the ledger, the Image Builder factory (its shared half, then the image
 * stacks that hold each image's Image Builder resources), the member baseline (the StackSet that gives member
 * accounts' Auto Scaling roles their grant on the AMI key), the notifications topic, the
 * triggers (which own Goldsmith's bus), promotion, monitoring (dashboard and alarms over all of them), then trust
 * (the bus policy and the operator endpoint name the other stacks' roles). sst.config.ts, the simulator and the
 * tests all use this list.
 */
export const GOLDSMITH_STACKS: readonly ((ctx: StackContext) => unknown)[] = [
  Ledger,
  Factory,
  ...FACTORY_IMAGE_STACKS,
  MemberBaseline,
  Notifications,
  Triggers,
  Promotion,
  Monitoring,
  Trust,
];
