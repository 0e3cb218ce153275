import { describe, expect, it } from 'vitest';
import { table } from '../../../cli/simulate-output.js';

describe("goldsmith simulate's tables", () => {
  it('pads each column to its widest cell under its header', () => {
    expect(table(['pointer', 'regions'], [['/goldsmith/base/dev', '2']]).split('\n')).toEqual([
      'pointer              regions',
      '-------------------  -------',
      '/goldsmith/base/dev  2',
    ]);
  });

  it('says why a table is empty instead of printing its header alone', () => {
    expect(table(['pointer', 'regions'], [], 'none: no channel names a version')).toBe(
      '(none: no channel names a version)',
    );
    expect(table(['call', 'count'], [])).toBe('(none)');
  });
});
