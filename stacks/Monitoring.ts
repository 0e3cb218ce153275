import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { type StackContext, use } from 'sst/constructs';
import { parseDuration } from '../core/duration.js';
import { configuredSinkMetrics } from '../core/notifications/sinks.js';
import { useCatalog } from './catalog.js';
import { expectedFunctionParameter } from './expected-functions.js';
import { ownLogGroups } from './function-logs.js';
import { Ledger } from './Ledger.js';
import { createAlarms } from './monitoring/alarms.js';
import { createFunctionAudit } from './monitoring/audit-functions.js';
import { createHistoryAudit, rolesThatMayCall } from './monitoring/audit-history.js';
import { createPolicyAudit } from './monitoring/audit-policies.js';
import { createDashboard } from './monitoring/dashboard.js';
import { discoverWatched } from './monitoring/discover.js';
import { createHealthGauges } from './monitoring/health.js';
import { createRedrive } from './monitoring/redrive.js';
import { Notifications } from './Notifications.js';
import { NAME_PREFIX } from './names.js';
import { Promotion } from './Promotion.js';

/** What `use(Monitoring)` gives (tests read it). */
export interface MonitoringResources {
  dashboard: cloudwatch.Dashboard;
  alarms: cloudwatch.Alarm[];
}

/**
 * Monitoring, the last stack: the health gauges, the dead-letter re-drive, a dashboard and the alarms, over every
 * dead-letter queue, function and state machine the other stacks define (found by walking them, so what they add
 * later is watched too). Alarms notify the Goldsmith topic.
 */
export function Monitoring({ app, stack }: StackContext): MonitoringResources {
  ownLogGroups(stack);
  const catalog = useCatalog();
  const { table } = use(Ledger);
  const { topic } = use(Notifications);
  createHealthGauges(stack, catalog, table);
  createPolicyAudit(stack, app.stage, catalog, { ledger: table, topic });
  const { auditFunctions } = createFunctionAudit(stack, app.stage, catalog, { ledger: table, topic });
  // The daily read of CloudTrail's event history hands what it finds to the two auditors that read it back.
  const { auditHoldings } = use(Promotion);
  const ownRoles = rolesThatMayCall(app);
  const { auditHistory } = createHistoryAudit(stack, app.stage, catalog, {
    ledger: table,
    auditHoldings,
    auditFunctions,
    ownRoles,
  });
  // The functions' audit reads these two back every day (functions/audit/functions.ts `dailyFunctions`): by their
  // records' names, plain strings (their functions' names would make the two functions refer to each other).
  auditFunctions.addEnvironment(
    'AUDIT_DAILY_FUNCTIONS',
    [auditHistory, auditFunctions]
      .map((fn) => expectedFunctionParameter(app.stage, fn.node.defaultChild ?? fn))
      .join(','),
  );
  // After the health gauges, so their function and queue are watched (and re-driven) too.
  const watched = discoverWatched(app);
  createRedrive(stack, app.stage, catalog, { ledger: table, topic }, watched);
  const staleChannelDays = parseDuration(catalog.monitoring.staleChannelAfter) / 86_400;
  const sinks = configuredSinkMetrics(catalog.notifications);
  const alarms = createAlarms(stack, watched, topic, { staleChannelDays, sinks });
  const dashboard = createDashboard(stack, `${NAME_PREFIX}-${app.stage}`, watched, alarms);
  stack.addOutputs({ DashboardName: dashboard.dashboardName });
  return { dashboard, alarms };
}
