import { describe, expect, it } from 'vitest';
import { parseComponentDocument } from '../../../core/config/awstoe.js';

describe('parseComponentDocument', () => {
  it('reads the name, phases, parameters and actions (each once) of a valid document', () => {
    const text = `name: demo
schemaVersion: "1.0"
parameters:
  - Level:
      type: string
      default: "1"
  - Target:
      type: string
phases:
  - name: build
    steps:
      - name: One
        action: ExecuteBash
  - name: validate
    steps:
      - name: Two
        action: CreateFile
      - name: Three
        action: ExecuteBash
`;

    const result = parseComponentDocument(text);

    expect(result).toEqual({
      ok: true,
      document: {
        name: 'demo',
        phases: ['build', 'validate'],
        parameters: new Map([
          ['Level', { hasDefault: true }],
          ['Target', { hasDefault: false }],
        ]),
        actions: ['ExecuteBash', 'CreateFile'],
      },
    });
  });

  it('rejects duplicate phases and duplicate steps within a phase', () => {
    const step = '      - name: Same\n        action: ExecuteBash\n';
    const text = `name: demo\nschemaVersion: 1.0\nphases:\n  - name: build\n    steps:\n${step}${step}  - name: build\n    steps:\n${step}`;

    const result = parseComponentDocument(text);

    expect(result).toEqual({
      ok: false,
      problems: ['phases[1].name: duplicate phase "build"', 'phases[0].steps[1].name: duplicate step "Same" in phase'],
    });
  });

  it('rejects a document that is a YAML list rather than a mapping', () => {
    expect(parseComponentDocument('- a\n- b\n')).toEqual({
      ok: false,
      problems: ['document: must be an object, not an array'],
    });
  });
});
