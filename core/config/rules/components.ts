import { type ComponentDocument, parseComponentDocument } from '../awstoe.js';
import type { ComponentRef } from '../schema.js';
import { type CatalogRule, type ComponentFiles, list, type Report } from './types.js';

type Stage = 'components' | 'tests';

/**
 * Component files: present, valid AWSTOE, with the phase their stage runs, parameters they declare, and document
 * names unique across files (Image Builder names components by them). Each file's own problems are reported once.
 */
export const componentFiles: CatalogRule = (catalog, report, files, sound) => {
  const documents = new Map<string, ComponentDocument | undefined>();
  const fileByName = new Map<string, string>();
  for (const [name, image] of Object.entries(catalog.images)) {
    if (!sound(['images', name, 'kind'])) continue;
    for (const stage of ['components', 'tests'] as const) {
      if (!sound(['images', name, stage])) continue;
      image[stage].forEach((ref, i) => {
        if (!('file' in ref)) return;
        const path = ['images', name, stage, i];
        const document = load(ref.file, [...path, 'file'], documents, files, report);
        if (!document) return;
        const other = fileByName.get(document.name);
        if (other === undefined) fileByName.set(document.name, ref.file);
        else if (other !== ref.file) {
          report(
            [...path, 'file'],
            `component name "${document.name}" is also used by ${other}; component names must be unique`,
          );
        }
        checkPhases(document, ref.file, stage, image.kind, [...path, 'file'], report);
        checkParameters(document, ref, path, report);
      });
    }
  }
};

function load(
  file: string,
  path: readonly PropertyKey[],
  documents: Map<string, ComponentDocument | undefined>,
  files: ComponentFiles,
  report: Report,
): ComponentDocument | undefined {
  if (documents.has(file)) return documents.get(file);
  let document: ComponentDocument | undefined;
  if (file.startsWith('/') || file.split(/[\\/]/).includes('..')) {
    report(path, `"${file}" must be a relative path inside the catalog's folder`);
  } else {
    const text = files.read(file);
    if (text === undefined) {
      const looked = files.where?.(file);
      report(path, `file not found: ${file}${looked === undefined ? '' : ` (looked for ${looked})`}`);
    } else {
      const parsed = parseComponentDocument(text);
      if (parsed.ok) document = parsed.document;
      else for (const p of parsed.problems) report(path, `${file} is not a valid AWSTOE document: ${p}`);
    }
  }
  documents.set(file, document);
  return document;
}

function checkPhases(
  document: ComponentDocument,
  file: string,
  stage: Stage,
  kind: 'ami' | 'container',
  path: readonly PropertyKey[],
  report: Report,
): void {
  if (stage === 'components' && !document.phases.includes('build')) {
    report(path, `${file} has no build phase, so it would do nothing as a build component`);
  }
  const testPhases = kind === 'container' ? ['test', 'container-host-test'] : ['test'];
  if (stage === 'tests' && !document.phases.some((p) => testPhases.includes(p))) {
    report(path, `${file} has no ${testPhases.join(' or ')} phase, so it would do nothing as a test component`);
  }
}

function checkParameters(
  document: ComponentDocument,
  ref: ComponentRef,
  path: readonly PropertyKey[],
  report: Report,
): void {
  if (!('file' in ref)) return;
  const given = ref.parameters ?? {};
  const declared = [...document.parameters.keys()];
  for (const key of Object.keys(given)) {
    if (!document.parameters.has(key)) {
      const declares = declared.length ? `it declares: ${list(declared)}` : 'it declares none';
      report([...path, 'parameters', key], `not a parameter of ${ref.file} (${declares})`);
    }
  }
  for (const [key, { hasDefault }] of document.parameters) {
    if (!hasDefault && !(key in given)) {
      report([...path, 'parameters'], `missing "${key}": ${ref.file} declares it without a default`);
    }
  }
}
