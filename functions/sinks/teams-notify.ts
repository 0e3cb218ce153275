import { postTeamsCard } from '../../aws/notifications/teams.js';
import { renderTeams } from '../../core/notifications/teams.js';
import { sinkHandler } from './handler.js';
import { httpSinkDelivery } from './http-sink.js';
import { bound } from './relay.js';

/**
 * The Teams function, subscribed to the notifications topic: each announcement as an Adaptive Card
 * (core/notifications/teams.ts) posted to the Workflows or incoming-webhook URL in its secret (`TEAMS_SECRET_NAME`),
 * on the delivery path every chat sink shares: once each, parked while Teams refuses (an outage, a 429 storm), tried
 * again by every later delivery and by its schedule (`{ "teams": "redeliver" }`).
 */
export const handler = sinkHandler('teams-notify', 'teams', () => [
  bound(httpSinkDelivery('TEAMS', 'Teams', (n) => postTeamsCard(renderTeams(n)))),
]);
