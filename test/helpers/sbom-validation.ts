import { readFileSync } from 'node:fs';
import { Spec, Validation } from '@cyclonedx/cyclonedx-library';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

/**
 * Validators of the SBOMs Goldsmith writes, for tests only (ajv, ajv-formats, ajv-formats-draft2019 and the CycloneDX
 * library are devDependencies), each against its standard's own published schema:
 * - CycloneDX: the CycloneDX library's strict JSON validator (`Validation.JsonStrictValidator`), with the CycloneDX
 *   project's schema for the document's spec version and the SPDX licence list, JSF and cryptography schemas it
 *   references, as the npm package `@cyclonedx/cyclonedx-library` ships them;
 * - SPDX 2.3: the SPDX project's JSON schema (test/fixtures/referees/spdx-2.3-schema.json, its source in the README
 *   beside it), and then what the schema leaves to the specification's text (formats, identifiers, references between
 *   elements), each check naming its clause.
 */

// ajv-formats is CommonJS: under NodeNext its default import is the module object, the plugin its `default`.
const addFormats = addFormatsModule.default;

/** The CycloneDX spec versions Goldsmith writes, as the library names them. */
const CDX_VERSIONS: Record<string, Spec.Version> = { '1.6': Spec.Version.v1dot6 };
/** One validator per version: each compiles its schema once (about a second), on its first document. */
const cdxValidators = new Map<Spec.Version, Validation.JsonStrictValidator>();

/**
 * The CycloneDX schema's problems with a document (empty when valid), for the spec version the document states.
 * Throws when the library's validator cannot run (a missing optional dependency): a test must not pass unchecked.
 */
export async function cycloneDxProblems(doc: unknown): Promise<string[]> {
  const stated = typeof doc === 'object' && doc !== null ? (doc as { specVersion?: unknown }).specVersion : undefined;
  const version = CDX_VERSIONS[String(stated)];
  if (!version) return [`specVersion: ${String(stated)} is not a CycloneDX version Goldsmith writes`];
  const validator = cdxValidators.get(version) ?? new Validation.JsonStrictValidator(version);
  cdxValidators.set(version, validator);
  let errors: unknown;
  try {
    errors = await validator.validate(JSON.stringify(doc));
  } catch (error) {
    // The library's JSON validator needs ajv, ajv-formats and ajv-formats-draft2019 (its optional peers).
    throw new Error('the CycloneDX library cannot validate: are ajv-formats-draft2019@^1.6.1 and ajv installed?', {
      cause: error,
    });
  }
  if (errors === null) return [];
  const list: { instancePath?: string; message?: string }[] = Array.isArray(errors)
    ? errors
    : [{ message: String(errors) }];
  return list.map((e) => `${e.instancePath || '/'} ${e.message ?? JSON.stringify(e)}`);
}

const SPDX_SCHEMA = new URL('../fixtures/referees/spdx-2.3-schema.json', import.meta.url);
let spdxSchema: ValidateFunction | undefined;

/** SPDX 2.3's JSON schema's problems with a document (empty when valid). The schema is draft-07, ajv's default. */
function spdxSchemaProblems(doc: unknown): string[] {
  if (!spdxSchema) {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    spdxSchema = ajv.compile(JSON.parse(readFileSync(SPDX_SCHEMA, 'utf8')));
  }
  if (spdxSchema(doc)) return [];
  return (spdxSchema.errors ?? []).map(
    (e) =>
      `${e.instancePath || '/'} ${e.message ?? ''}${e.params && 'allowedValues' in e.params ? ` (${String(e.params.allowedValues)})` : ''} (SPDX 2.3 JSON schema)`,
  );
}

const SPEC = 'https://spdx.github.io/spdx-spec/v2.3';
const CREATION = `${SPEC}/document-creation-information/`;
const PACKAGE = `${SPEC}/package-information/`;
const RELATIONSHIPS = `${SPEC}/relationships-between-SPDX-elements/`;

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
  if (typeof p.supplier === 'string' && !/^(NOASSERTION|(Person|Organization): \S.*)$/.test(p.supplier)) {
    out.push(`${at}.supplier: 7.5 "Person: …", "Organization: …" or NOASSERTION (${PACKAGE})`);
  }
  for (const [j, ref] of (Array.isArray(p.externalRefs) ? p.externalRefs : []).entries()) {
    const r = isRecord(ref) ? ref : {};
    const category = String(r.referenceCategory);
    if (category === 'PACKAGE-MANAGER' && r.referenceType !== 'purl') {
      out.push(`${at}.externalRefs[${j}]: 7.21 a package manager reference of an unknown type (${PACKAGE})`);
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
 * An SPDX 2.3 JSON document's departures from SPDX 2.3 (empty when none): first its JSON schema's, then what the
 * schema leaves to the specification: the document creation information's formats (clause 6), each package's
 * identifier, download location, verification code, supplier and references (clause 7), and relationships between
 * declared elements (clause 11). Every message names the schema or its clause and page.
 */
export function spdxProblems(doc: unknown): string[] {
  if (!isRecord(doc)) return ['the document is not a JSON object'];
  const out: string[] = spdxSchemaProblems(doc);
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
  }
  return out;
}
