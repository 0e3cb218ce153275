/**
 * The in-flight work of the upgrade rehearsal's saved cloud (test/fixtures/upgrade/scenario.json saved at its
 * `until`), and how each piece ended once the run went on: read off the ledger, so that a release's run and main's
 * upgraded run are compared by what happened, not by their bytes (scripts/release/upgrade-fixture.ts writes the
 * release's; test/scenarios/upgrade-rehearsal.test.ts compares main's).
 */

type Item = Record<string, unknown>;

/** One piece of work in flight when the cloud was saved: the item that says it waits, the item that says it ended. */
export interface Piece {
  what: string;
  pk: string;
  waiting: string;
  ended: string;
}

export const PIECES: readonly Piece[] = [
  {
    what: 'a prod approval waiting on its task token',
    pk: 'IMAGE#hardened',
    waiting: 'APPROVAL#1.0.0/1#prod',
    ended: 'PROMOTION#1.0.0/1#prod',
  },
  { what: 'a soak running', pk: 'IMAGE#app', waiting: 'SOAK#1.0.0/1#dev', ended: 'PROMOTION#1.0.0/1#dev' },
  {
    what: 'a scheduled revocation pending',
    pk: 'IMAGE#web-runtime',
    waiting: 'REVOKE-AT#1.0.0/1',
    ended: 'REVOCATION#1.0.0/1',
  },
  {
    what: 'a rollout between two waves',
    pk: 'IMAGE#base',
    waiting: 'ROLLOUT#prod#1.0.0/2',
    ended: 'ROLLOUT#prod#1.0.0/2',
  },
];

const find = (ledger: readonly Item[], pk: string, sk: string) => ledger.find((i) => i.pk === pk && i.sk === sk);

/** The rollout's waves as their state, the groups' statuses and when each ended (to the minute). */
const waves = (item: Item | undefined) =>
  ((item?.waves ?? []) as Item[]).map((w) => ({
    name: w.name,
    state: w.state,
    groupsByStatus: w.groupsByStatus,
    ...(typeof w.endedAt === 'string' ? { endedAt: minute(w.endedAt) } : {}),
  }));

/** An instant to the minute: the same outcome may come a few virtual seconds apart in two releases. */
const minute = (iso: string) => iso.slice(0, 16);

/** Where each piece stood when the cloud was saved: every one must be in flight, else the fixture holds none. */
export function inFlight(ledger: readonly Item[]): Record<string, string> {
  return Object.fromEntries(
    PIECES.map((p) => {
      const waiting = find(ledger, p.pk, p.waiting);
      if (!waiting) return [p.what, 'not found'];
      if (p.waiting === p.ended) {
        const ws = waves(waiting);
        const between = waiting.state === 'running' && ws.some((w) => w.state === 'pending');
        return [p.what, between ? `running: ${ws.map((w) => `${w.name} ${w.state}`).join(', ')}` : 'not between waves'];
      }
      return [p.what, find(ledger, p.pk, p.ended) ? 'already ended' : `waiting (${String(waiting.kind)})`];
    }),
  );
}

/** How each piece ended: its ending item's outcome, state and times (to the minute). */
export function outcomesOf(ledger: readonly Item[]): Record<string, unknown> {
  return Object.fromEntries(
    PIECES.map((p) => {
      const ended = find(ledger, p.pk, p.ended);
      if (!ended) return [p.what, 'did not end'];
      const times = ['at', 'revokedAt'].filter((k) => typeof ended[k] === 'string');
      return [
        p.what,
        {
          kind: ended.kind,
          ...(ended.outcome === undefined ? {} : { outcome: ended.outcome, by: ended.by }),
          ...(ended.state === undefined ? {} : { state: ended.state }),
          ...Object.fromEntries(times.map((k) => [k, minute(String(ended[k]))])),
          ...(ended.kind === 'rollout' ? { waves: waves(ended) } : {}),
        },
      ];
    }),
  );
}

/** What the fixture records of a release's run going on without an upgrade (outcomes.json). */
export interface RehearsalOutcomes {
  release: string;
  savedAt: string;
  /** Until when the run went on. */
  until: string;
  inFlight: Record<string, string>;
  outcomes: Record<string, unknown>;
  /** The end-of-run consistency audit. */
  audit: 'ok' | 'failed';
}

/** What an upgraded run's report says of the work's effects (`simulate --json`, the parts read here). */
export interface EffectsReport {
  builds: { image: string; version: string; status: string }[];
  notifications: { event: string; image: string; at: string; subject: string }[];
  pointers: Record<string, Record<string, string>>;
  rejectedEvents: { at: string; reason: string; recovered?: unknown }[];
  consistency: { ok: boolean; problems: string[]; checks?: Record<string, number> };
}

/**
 * The effects of the work, beside the ledger's records of it: what Image Builder (the report's builds) and the
 * ledger say of every build, each revocation's announcement and whether any pointer still names the revoked version,
 * and every dead letter no later delivery recovered. A rehearsal passes only when the records and their effects agree.
 */
export function effectsOf(report: EffectsReport, ledger: readonly Item[]) {
  const ledgerStatus = (image: string, version: string) =>
    find(ledger, `IMAGE#${image}`, `BUILD#${version}`)?.status ?? 'not in the ledger';
  const revocations = ledger.filter((i) => i.kind === 'revocation' && i.state === 'revoked');
  return {
    builds: Object.fromEntries(
      report.builds.map((b) => [
        `${b.image} ${b.version}`,
        { imageBuilder: b.status, ledger: ledgerStatus(b.image, b.version) },
      ]),
    ),
    revocations: Object.fromEntries(
      revocations.map((r) => {
        const [image, version] = [String(r.image), String(r.version)];
        const announced = report.notifications.find(
          (n) => n.event === 'revoked' && n.image === image && n.subject.startsWith(`${image} ${version}`),
        );
        return [
          `${image} ${version}`,
          {
            revokedAt: minute(String(r.revokedAt)),
            announcedAt: announced ? minute(announced.at) : 'never',
            announcementPending: r.announcePending !== undefined,
          },
        ];
      }),
    ),
    unrecoveredDeadLetters: report.rejectedEvents.filter((e) => !e.recovered).map((e) => `${e.at} ${e.reason}`),
  };
}
