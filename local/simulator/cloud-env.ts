import type { Catalog } from '../../core/config/schema.js';
import type { Wiring } from './wiring.js';

/**
 * Sets the process environment our functions read, as their stacks define it (every function's variables, then the
 * region, the catalog and the Powertools settings of the local cloud), and returns what restores the one before.
 */
export function setFunctionEnvironment(wiring: Wiring, catalog: Catalog, region: string): () => void {
  const saved = { ...process.env };
  for (const f of wiring.functions.values()) Object.assign(process.env, f.environment);
  Object.assign(process.env, {
    AWS_REGION: region,
    GOLDSMITH_CATALOG: JSON.stringify(catalog),
    POWERTOOLS_LOG_LEVEL: process.env.GOLDSMITH_LOG_LEVEL ?? 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_TRACE_ENABLED: 'false',
    // Tracing is off locally; manual mode also keeps the X-Ray SDK from installing its async hook (cls-hooked),
    // which otherwise costs about a fifth of a long simulation's time.
    AWS_XRAY_MANUAL_MODE: '1',
    POWERTOOLS_IDEMPOTENCY_DISABLED: 'false',
  });
  return () => {
    process.env = saved;
  };
}
