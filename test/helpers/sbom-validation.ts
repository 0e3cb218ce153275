import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

/**
 * Validators of the SBOMs Goldsmith writes, for tests only (ajv and the CycloneDX library are devDependencies).
 * CycloneDX: the CycloneDX project's own published JSON schema, as the npm package `@cyclonedx/cyclonedx-library`
 * ships it. SPDX 2.3: no package carrying the SPDX project's JSON schema is installable here, so the document is
 * checked against the specification's required fields and formats, each check naming its clause.
 */

const require = createRequire(import.meta.url);
const SCHEMAS = join(dirname(require.resolve('@cyclonedx/cyclonedx-library/package.json')), 'res', 'schema');
const readSchema = (file: string): Record<string, unknown> => JSON.parse(readFileSync(join(SCHEMAS, file), 'utf8'));
// ajv-formats is CommonJS: under NodeNext its default import is the module object, the plugin its `default`.
const addFormats = addFormatsModule.default;

let cycloneDx: ValidateFunction | undefined;

/**
 * The schema's problems with a CycloneDX 1.6 document (empty when valid). The bom schema is draft-07 (ajv's default
 * class) and `$ref`s the SPDX licence list and JSF schemas by file name, resolved against its `$id`.
 */
export function cycloneDxProblems(doc: unknown): string[] {
  if (!cycloneDx) {
    const ajv = new Ajv({
      strict: false,
      allErrors: true,
      schemas: {
        'http://cyclonedx.org/schema/spdx.SNAPSHOT.schema.json': readSchema('spdx.SNAPSHOT.schema.json'),
        'http://cyclonedx.org/schema/jsf-0.82.SNAPSHOT.schema.json': readSchema('jsf-0.82.SNAPSHOT.schema.json'),
      },
    });
    addFormats(ajv);
    ajv.addFormat('idn-email', true);
    ajv.addFormat('iri-reference', true);
    cycloneDx = ajv.compile(readSchema('bom-1.6.SNAPSHOT.schema.json'));
  }
  return cycloneDx(doc) ? [] : (cycloneDx.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
}

const SPEC = 'https://spdx.github.io/spdx-spec/v2.3';
const CREATION = `${SPEC}/document-creation-information/`;
const PACKAGE = `${SPEC}/package-information/`;
const RELATIONSHIPS = `${SPEC}/relationships-between-SPDX-elements/`;

/** 7.24 Primary package purpose, its values (PACKAGE). */
const PURPOSES = new Set([
  'APPLICATION',
  'FRAMEWORK',
  'LIBRARY',
  'CONTAINER',
  'OPERATING-SYSTEM',
  'DEVICE',
  'FIRMWARE',
  'SOURCE',
  'ARCHIVE',
  'FILE',
  'INSTALL',
  'OTHER',
]);

/** 11.1 Relationship field, Table 68's relationship types (RELATIONSHIPS). */
const RELATIONSHIP_TYPES = new Set(
  (
    'DESCRIBES DESCRIBED_BY CONTAINS CONTAINED_BY DEPENDS_ON DEPENDENCY_OF DEPENDENCY_MANIFEST_OF BUILD_DEPENDENCY_OF ' +
    'DEV_DEPENDENCY_OF OPTIONAL_DEPENDENCY_OF PROVIDED_DEPENDENCY_OF TEST_DEPENDENCY_OF RUNTIME_DEPENDENCY_OF ' +
    'EXAMPLE_OF GENERATES GENERATED_FROM ANCESTOR_OF DESCENDANT_OF VARIANT_OF DISTRIBUTION_ARTIFACT PATCH_FOR ' +
    'PATCH_APPLIED COPY_OF FILE_ADDED FILE_DELETED FILE_MODIFIED EXPANDED_FROM_ARCHIVE DYNAMIC_LINK STATIC_LINK ' +
    'DATA_FILE_OF TEST_CASE_OF BUILD_TOOL_OF DEV_TOOL_OF TEST_OF TEST_TOOL_OF DOCUMENTATION_OF OPTIONAL_COMPONENT_OF ' +
    'METAFILE_OF PACKAGE_OF AMENDS PREREQUISITE_FOR HAS_PREREQUISITE REQUIREMENT_DESCRIPTION_FOR SPECIFICATION_FOR OTHER'
  ).split(' '),
);

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const singleLine = (v: unknown) => typeof v === 'string' && v.length > 0 && !v.includes('\n');
const SPDX_ID = /^SPDXRef-[A-Za-z0-9.-]+$/;

function packageProblems(p: Record<string, unknown>, at: string): string[] {
  const out: string[] = [];
  if (!singleLine(p.name)) out.push(`${at}.name: 7.1 package name is required, one line (${PACKAGE})`);
  if (typeof p.SPDXID !== 'string' || !SPDX_ID.test(p.SPDXID)) {
    out.push(`${at}.SPDXID: 7.2 "SPDXRef-"[idstring] of letters, numbers, . and - (${PACKAGE})`);
  }
  const download = p.downloadLocation;
  if (
    typeof download !== 'string' ||
    !(download === 'NONE' || download === 'NOASSERTION' || /^\S+:\S+$/.test(download))
  ) {
    out.push(`${at}.downloadLocation: 7.7 required, a URL, NONE or NOASSERTION (${PACKAGE})`);
  }
  if (p.filesAnalyzed !== false && !isRecord(p.packageVerificationCode)) {
    out.push(`${at}.packageVerificationCode: 7.9 required when 7.8 files analyzed is true or omitted (${PACKAGE})`);
  }
  if (p.primaryPackagePurpose !== undefined && !PURPOSES.has(String(p.primaryPackagePurpose))) {
    out.push(`${at}.primaryPackagePurpose: 7.24 not one of the purposes (${PACKAGE})`);
  }
  for (const [j, ref] of (Array.isArray(p.externalRefs) ? p.externalRefs : []).entries()) {
    const r = isRecord(ref) ? ref : {};
    const category = String(r.referenceCategory);
    if (!['SECURITY', 'PACKAGE-MANAGER', 'PERSISTENT-ID', 'OTHER'].includes(category)) {
      out.push(`${at}.externalRefs[${j}]: 7.21 unknown category ${category} (${PACKAGE})`);
    }
    if (
      !singleLine(r.referenceType) ||
      /\s/.test(String(r.referenceType)) ||
      !/^\S+$/.test(String(r.referenceLocator))
    ) {
      out.push(`${at}.externalRefs[${j}]: 7.21 a type and a locator without spaces (${PACKAGE})`);
    }
    if (r.referenceType === 'purl' && !String(r.referenceLocator).startsWith('pkg:')) {
      out.push(
        `${at}.externalRefs[${j}]: Annex F a purl locator starts with pkg: (${SPEC}/external-repository-identifiers/)`,
      );
    }
  }
  return out;
}

/**
 * An SPDX 2.3 JSON document's departures from the specification (empty when none): the document creation
 * information (clause 6), each package's required fields and formats (clause 7), and relationships between declared
 * elements (clause 11). Every message names its clause and page.
 */
export function spdxProblems(doc: unknown): string[] {
  if (!isRecord(doc)) return ['the document is not a JSON object'];
  const out: string[] = [];
  if (doc.spdxVersion !== 'SPDX-2.3') out.push(`spdxVersion: 6.1 must be SPDX-2.3 (${CREATION})`);
  if (doc.dataLicense !== 'CC0-1.0') out.push(`dataLicense: 6.2 must be CC0-1.0 (${CREATION})`);
  if (doc.SPDXID !== 'SPDXRef-DOCUMENT') out.push(`SPDXID: 6.3 must be SPDXRef-DOCUMENT (${CREATION})`);
  if (!singleLine(doc.name)) out.push(`name: 6.4 document name is required, one line (${CREATION})`);
  const namespace = String(doc.documentNamespace);
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(namespace) || namespace.includes('#')) {
    out.push(`documentNamespace: 6.5 a unique absolute URI without # (${CREATION})`);
  }
  const info = isRecord(doc.creationInfo) ? doc.creationInfo : {};
  const creators = Array.isArray(info.creators) ? info.creators : [];
  if (creators.length === 0 || !creators.every((c) => /^(Person|Organization|Tool): \S/.test(String(c)))) {
    out.push(`creationInfo.creators: 6.8 one or more "Person: ", "Organization: " or "Tool: " (${CREATION})`);
  }
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(String(info.created))) {
    out.push(`creationInfo.created: 6.9 YYYY-MM-DDThh:mm:ssZ (${CREATION})`);
  }
  const packages = Array.isArray(doc.packages) ? doc.packages : [];
  const ids = new Set<string>(['SPDXRef-DOCUMENT']);
  for (const [i, p] of packages.entries()) {
    const pkg = isRecord(p) ? p : {};
    out.push(...packageProblems(pkg, `packages[${i}]`));
    const id = String(pkg.SPDXID);
    if (ids.has(id)) out.push(`packages[${i}].SPDXID: 7.2 ${id} is not unique (${PACKAGE})`);
    ids.add(id);
  }
  const relationships = Array.isArray(doc.relationships) ? doc.relationships : [];
  for (const [i, r] of relationships.entries()) {
    const rel = isRecord(r) ? r : {};
    if (!ids.has(String(rel.spdxElementId)))
      out.push(`relationships[${i}]: 11.1 an undeclared element (${RELATIONSHIPS})`);
    const related = String(rel.relatedSpdxElement);
    if (!ids.has(related) && related !== 'NONE' && related !== 'NOASSERTION') {
      out.push(`relationships[${i}]: 11.1 an undeclared related element ${related} (${RELATIONSHIPS})`);
    }
    if (!RELATIONSHIP_TYPES.has(String(rel.relationshipType))) {
      out.push(`relationships[${i}]: 11.1 not a relationship type of Table 68 (${RELATIONSHIPS})`);
    }
  }
  return out;
}
