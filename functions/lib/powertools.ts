import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';

// Created once and shared by every handler (Powertools' own advice): one service name, one namespace.
export const logger = new Logger({ serviceName: 'goldsmith' });
const METRICS = { namespace: 'Goldsmith', serviceName: 'goldsmith' } as const;
export const metrics = new Metrics(METRICS);

const dimensioned = new Map<string, Metrics>();

/**
 * A Metrics instance of its own for one set of dimensions (e.g. an image's channel), made once per container and
 * reused: add its metrics, then `publishStoredMetrics()` writes them as one EMF record with those dimensions, as a
 * `singleMetric()` would. `singleMetric()` makes a new instance, and with it a new Console, every time it is called.
 */
export function metricsWithDimensions(dimensions: Readonly<Record<string, string>>): Metrics {
  const key = JSON.stringify(Object.entries(dimensions).sort(([a], [b]) => a.localeCompare(b)));
  let made = dimensioned.get(key);
  if (!made) {
    made = new Metrics({ ...METRICS, defaultDimensions: { ...dimensions } });
    dimensioned.set(key, made);
  }
  return made;
}
export const tracer = new Tracer({ serviceName: 'goldsmith' });
