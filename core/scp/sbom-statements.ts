/**
 * The service control policy's statement about Inspector's SBOM exports (pure): who may ask Inspector for one in the
 * factory account. Part of the policy core/scp/statements.ts writes.
 */
import type { StatementContext } from './context.js';
import type { FunctionRole } from './names.js';
import type { ScpStatementSpec } from './spec.js';

/** The SBOM export poller (functions/sbom-exports.ts): the one role that starts and cancels SBOM exports. */
export const SBOM_EXPORTER: FunctionRole = { stack: 'Promotion', construct: 'SbomExports' };

/**
 * Who exports SBOMs. Inspector writes an export as its service principal, whoever asked for it, and CreateSbomExport
 * takes no resource and no condition key (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoninspector2.html:
 * `*` only), so neither the SBOM bucket's policy nor the export key's can tell Goldsmith's exports from another
 * principal's one naming the same bucket and key: this statement keeps CreateSbomExport (and CancelSbomExport, which
 * would leave a version's packages unknown) to the poller's role in the account it is attached to.
 */
export function sbomExportStatements(c: StatementContext): ScpStatementSpec[] {
  return [
    {
      sid: 'SbomExportsOnlyByGoldsmith',
      actions: ['inspector2:CreateSbomExport', 'inspector2:CancelSbomExport'],
      resources: ['*'],
      exempt: [c.fn(SBOM_EXPORTER)],
      samples: [{ resource: '*' }],
    },
  ];
}
