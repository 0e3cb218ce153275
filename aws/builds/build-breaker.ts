import { GetCommand, paginateQuery, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { BREAKER_SK, imagePk, skPrefix } from '../../core/ledger/keys.js';
import { type BreakerState, type BuildOutcome, breakerOf } from '../../core/triggers/breaker.js';
import { documentClient, ledgerTable } from '../clients/dynamodb.js';
import { conditionalWrite } from '../ledger/ledger-writes.js';

/**
 * The build circuit breaker's ledger item (`IMAGE#<image>`, `BREAKER`) and the build outcomes it is decided from.
 * Tripping, announcing and resuming are conditional writes, so two failure events at once trip it once and a
 * resume races nothing.
 */

const key = (image: string) => ({ pk: imagePk(image), sk: BREAKER_SK });

/** The image's breaker, strongly consistent, or undefined when it never tripped. */
export async function readBreaker(image: string): Promise<BreakerState | undefined> {
  const out = await documentClient().send(
    new GetCommand({ TableName: ledgerTable(), Key: key(image), ConsistentRead: true }),
  );
  return breakerOf(out.Item);
}

/** The breakers of several images (those the ledger holds), one consistent GetItem each. */
export async function readBreakers(images: readonly string[]): Promise<Map<string, BreakerState>> {
  const found = await Promise.all(images.map(async (image) => [image, await readBreaker(image)] as const));
  return new Map(found.filter((entry): entry is [string, BreakerState] => entry[1] !== undefined));
}

/** Every build of the image the ledger holds, with its last recorded status (paginated, strongly consistent). */
export async function buildOutcomes(image: string): Promise<BuildOutcome[]> {
  const pages = paginateQuery(
    { client: documentClient() },
    {
      TableName: ledgerTable(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :build)',
      ExpressionAttributeValues: { ':pk': imagePk(image), ':build': skPrefix.build },
      ProjectionExpression: 'sk, #status',
      ExpressionAttributeNames: { '#status': 'status' },
      ConsistentRead: true,
    },
  );
  const outcomes: BuildOutcome[] = [];
  for await (const page of pages) {
    for (const item of page.Items ?? []) {
      const version = String(item.sk).slice(skPrefix.build.length);
      outcomes.push({ version, status: typeof item.status === 'string' ? item.status : '' });
    }
  }
  return outcomes;
}

/**
 * Trips the breaker: only if it never tripped or an operator resumed it since. A resumed item's earlier cycles stay
 * in `earlier`; its resume fields go.
 * @returns false when it was tripped already (another delivery of the same failure won the race).
 */
export async function tripBreaker(
  image: string,
  trip: { trippedBy: string; failedBuilds: readonly string[]; threshold: number },
  at: string,
): Promise<boolean> {
  return conditionalWrite(() =>
    documentClient().send(
      new UpdateCommand({
        TableName: ledgerTable(),
        Key: key(image),
        UpdateExpression:
          'SET #state = :tripped, image = :image, trippedAt = :at, trippedBy = :by, failedBuilds = :failed, threshold = :threshold REMOVE announcedAt, resumedAt, resumedBy, resumeReason',
        ConditionExpression: 'attribute_not_exists(#state) OR #state = :resumed',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: {
          ':tripped': 'tripped',
          ':resumed': 'resumed',
          ':image': image,
          ':at': at,
          ':by': trip.trippedBy,
          ':failed': [...trip.failedBuilds],
          ':threshold': trip.threshold,
        },
      }),
    ),
  );
}

/** Records that this trip was announced (only while it is the trip in force). */
export async function markBreakerAnnounced(image: string, trippedBy: string, at: string): Promise<void> {
  await conditionalWrite(() =>
    documentClient().send(
      new UpdateCommand({
        TableName: ledgerTable(),
        Key: key(image),
        UpdateExpression: 'SET announcedAt = if_not_exists(announcedAt, :at)',
        ConditionExpression: '#state = :tripped AND trippedBy = :by',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':tripped': 'tripped', ':by': trippedBy, ':at': at },
      }),
    ),
  );
}

/**
 * Resumes the image's builds: the trip in force (`trippedBy`) becomes resumed, its cycle kept in `earlier`, and
 * failures count again only after the build that tripped it.
 * @returns false when that trip is no longer in force (resumed already, concurrently).
 */
export async function resumeBreaker(
  image: string,
  tripped: BreakerState,
  resume: { by: string; reason?: string | undefined; at: string },
): Promise<boolean> {
  const cycle = {
    trippedAt: tripped.trippedAt,
    trippedBy: tripped.trippedBy,
    failedBuilds: tripped.failedBuilds,
    resumedAt: resume.at,
    resumedBy: resume.by,
    ...(resume.reason ? { resumeReason: resume.reason } : {}),
  };
  return conditionalWrite(() =>
    documentClient().send(
      new UpdateCommand({
        TableName: ledgerTable(),
        Key: key(image),
        UpdateExpression: `SET #state = :resumed, resumedAt = :at, resumedBy = :by, resumedAfter = :after, earlier = list_append(if_not_exists(earlier, :none), :cycle)${resume.reason ? ', resumeReason = :reason' : ''}`,
        ConditionExpression: '#state = :tripped AND trippedBy = :after',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: {
          ':resumed': 'resumed',
          ':tripped': 'tripped',
          ':at': resume.at,
          ':by': resume.by,
          ':after': tripped.trippedBy,
          ':none': [],
          ':cycle': [cycle],
          ...(resume.reason ? { ':reason': resume.reason } : {}),
        },
      }),
    ),
  );
}
