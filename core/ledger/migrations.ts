import { isSealed, sealTaskToken } from '../promotion/task-token-seal.js';
import { ACTIONABLE_STATUSES } from '../reconcile/decide.js';
import { openRolloutStates } from '../rollout/record.js';
import { imagePk, imageViewKeys, inImageView, openWork, openWorkIndex, skPrefix } from './keys.js';
import { FORMAT_NAME, FORMAT_VALUE, RECORD_FORMAT, RECORD_FORMAT_ATTRIBUTE, refusalOf } from './record-format.js';

/**
 * The ledger's migrations: registered, idempotent steps that bring an item older releases wrote to the format this
 * release writes ({@link RECORD_FORMAT}). Each step looks at one item and says which attributes it lacks, and on
 * what the item must still hold when they are added (so a writer that moved it on meanwhile wins, and nothing is
 * added twice). Pure: aws/ledger/migrations.ts walks the table in bounded batches and writes what these plan.
 */

type Item = Readonly<Record<string, unknown>>;

/** The walk's progress marker (aws/ledger/migrations.ts), one per record format it brings the ledger to. */
export const migrationMarkerKey = { pk: 'MIGRATIONS', sk: `FORMAT#${RECORD_FORMAT}` } as const;

/**
 * What must still hold of an item for a step's attributes to be added, by attribute: absent, present, or one of
 * these values.
 */
export type Requirements = Record<string, 'absent' | 'present' | readonly string[]>;

export interface StepPlan {
  set: Record<string, string>;
  requires: Requirements;
}

/** What a step may need besides the item: keys the walk's function reads (aws/ledger/migrations.ts). */
export interface MigrationContext {
  /** The current task-token key (core/promotion/task-token-seal.ts), when the walk's function reads it. */
  taskTokenKey?: string | undefined;
}

export interface MigrationStep {
  /** A stable name (docs/upgrading.md lists them). */
  id: string;
  /** The attributes `item` lacks, or undefined when it lacks none. */
  plan(item: Item, context: MigrationContext): StepPlan | undefined;
}

const has = (item: Item, attribute: string): boolean => item[attribute] !== undefined;

/**
 * The image-view index's keys (core/ledger/keys.ts `imageViewIndex`): every build, approval and channel pointer of
 * an image carries `view` and `viewSk`, or the health gauges do not see it.
 */
const imageViewStep: MigrationStep = {
  id: 'image-view-keys',
  plan({ pk, sk, view, viewSk }) {
    if (typeof pk !== 'string' || typeof sk !== 'string' || !pk.startsWith(imagePk('')) || !inImageView(sk)) return;
    if (view !== undefined && viewSk !== undefined) return;
    return { set: imageViewKeys(pk.slice(imagePk('').length), sk), requires: { view: 'absent', viewSk: 'absent' } };
  },
};

const OPEN = openWorkIndex.partitionKey;
const FINAL = ACTIONABLE_STATUSES as readonly string[];

/** Which open work an item leaves open, by its own attributes (the open condition each reader restates), or none. */
function openWorkOf(item: Item): StepPlan | undefined {
  const sk = String(item.sk);
  const open = (kind: string, requires: Requirements): StepPlan => ({
    set: { [OPEN]: kind },
    requires: { [OPEN]: 'absent', ...requires },
  });
  // A decision recorded and neither delivered nor refused for good (aws/promotion/promotion-approvals.ts undeliveredDecisions).
  if (sk.startsWith(skPrefix.approval)) {
    if (!has(item, 'decision') || has(item, 'sentAt') || has(item, 'undeliverable')) return;
    return open(openWork.decision, { decision: 'present', sentAt: 'absent', undeliverable: 'absent' });
  }
  if (sk.startsWith(skPrefix.paused))
    return item.status === 'paused' ? open(openWork.pause, { status: ['paused'] }) : undefined;
  if (item.pk === 'INTENTS')
    return item.status === 'pending' ? open(openWork.intent, { status: ['pending'] }) : undefined;
  // A build Goldsmith started whose status is not final yet: the reconciler asks Image Builder about it. One with a
  // final status left unmarked is not reopened (it may be older than the handled marks, and was acted on then).
  if (sk.startsWith(skPrefix.build)) {
    const status = String(item.status);
    const handled = item.handledStatuses instanceof Set && [...item.handledStatuses].some((s) => FINAL.includes(s));
    if (!has(item, 'requestedAt') || FINAL.includes(status) || handled) return;
    return open(openWork.build, { requestedAt: 'present', status: [status] });
  }
  if (sk.startsWith(skPrefix.rollout) && openRolloutStates.some((state) => state === item.state)) {
    return open(openWork.rollout, { state: openRolloutStates });
  }
  return undefined;
}

/** The open-work index's kind (core/ledger/keys.ts `openWork`) on every item that leaves work open. */
const openWorkStep: MigrationStep = {
  id: 'open-work-keys',
  plan: (item) => (has(item, OPEN) ? undefined : openWorkOf(item)),
};

/**
 * The task tokens 0.2.0 kept in the clear (an approval's `taskToken` and `decidedOnToken`, a soak's `taskToken`),
 * sealed with the task-token key and bound to their item, as this release writes them: a reader of the ledger holding
 * `states:SendTaskFailure` finds none to answer with. Conditional on each still being the token read.
 */
const sealedTokensStep: MigrationStep = {
  id: 'task-tokens-sealed',
  plan({ pk, sk, taskToken, decidedOnToken }, { taskTokenKey }) {
    if (!taskTokenKey || typeof pk !== 'string' || typeof sk !== 'string') return;
    if (!sk.startsWith(skPrefix.approval) && !sk.startsWith(skPrefix.soak)) return;
    const bound = `${pk}\n${sk}`;
    const set: Record<string, string> = {};
    const requires: Requirements = {};
    for (const [attribute, stored] of [
      ['taskToken', taskToken],
      ['decidedOnToken', decidedOnToken],
    ] as const) {
      if (typeof stored !== 'string' || isSealed(stored)) continue;
      set[attribute] = sealTaskToken(stored, taskTokenKey, bound);
      requires[attribute] = [stored];
    }
    return Object.keys(set).length > 0 ? { set, requires } : undefined;
  },
};

/** Every registered step, in the order they run. A new release appends its own; none is ever removed. */
export const MIGRATION_STEPS: readonly MigrationStep[] = [imageViewStep, openWorkStep, sealedTokensStep];

/** One item's migration: an UpdateItem's expression, or undefined when the item is in this release's format. */
export interface ItemMigration {
  set: Record<string, string>;
  updateExpression: string;
  conditionExpression: string;
  names: Record<string, string>;
  values: Record<string, unknown>;
}

/**
 * What brings `item` to this release's format: every step's attributes and the format, in one write conditional on
 * the item still existing (a TTL deletion meanwhile is not undone), being of a format no newer, and still holding
 * what each step required. Undefined when the item needs nothing, or is of a newer format (left as it is).
 */
export function migrationOf(
  item: Item,
  steps: readonly MigrationStep[] = MIGRATION_STEPS,
  context: MigrationContext = {},
): ItemMigration | undefined {
  if (refusalOf(item)) return undefined;
  const plans = steps.flatMap((step) => {
    const plan = step.plan(item, context);
    return plan ? [{ id: step.id, plan }] : [];
  });
  if (plans.length === 0 && item[RECORD_FORMAT_ATTRIBUTE] === RECORD_FORMAT) return undefined;
  // Attribute names are plain identifiers: `#<name>` names each one (some, like `view`, are reserved words).
  const names: Record<string, string> = { [FORMAT_NAME]: RECORD_FORMAT_ATTRIBUTE };
  const values: Record<string, unknown> = { [FORMAT_VALUE]: RECORD_FORMAT };
  const name = (attribute: string): string => {
    names[`#${attribute}`] = attribute;
    return `#${attribute}`;
  };
  const value = (v: unknown): string => {
    const placeholder = `:m${Object.keys(values).length}`;
    values[placeholder] = v;
    return placeholder;
  };
  const set: Record<string, string> = Object.assign({}, ...plans.map((p) => p.plan.set));
  const conditions = new Set([`attribute_exists(${name('pk')})`]);
  for (const [attribute, is] of plans.flatMap((p) => Object.entries(p.plan.requires))) {
    conditions.add(
      typeof is === 'string'
        ? `attribute_${is === 'absent' ? 'not_' : ''}exists(${name(attribute)})`
        : `${name(attribute)} IN (${is.map(value).join(', ')})`,
    );
  }
  return {
    set,
    updateExpression: `SET ${[`${FORMAT_NAME} = ${FORMAT_VALUE}`, ...Object.entries(set).map(([a, v]) => `${name(a)} = ${value(v)}`)].join(', ')}`,
    conditionExpression: [...conditions].join(' AND '),
    names,
    values,
  };
}

/** Whether a read-back item holds what its migration set (and so the migration took effect). */
export function holdsMigration(item: Item | undefined, migration: Pick<ItemMigration, 'set'>): boolean {
  if (!item || item[RECORD_FORMAT_ATTRIBUTE] !== RECORD_FORMAT) return false;
  return Object.entries(migration.set).every(([attribute, value]) => item[attribute] === value);
}
