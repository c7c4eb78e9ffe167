/** Issue 14 defect 5: a quoted argument ending in a backslash, by Windows' own splitting rules. */
import fc from 'fast-check';
import { cleanDirSetting, resolveDataDir } from '@ecr/common';
import { parseWindowsCommandLine, quoteWindowsArg, windowsCommandLine } from '../src/windows-args';

test('the defect: "D:\\ecr data\\" pasted in quotes reaches a program as D:\\ecr data" (an escaped quote)', () => {
  expect(parseWindowsCommandLine('--data-dir "D:\\ecr data\\"')).toEqual(['--data-dir', 'D:\\ecr data"']);
});

test('quoted by the rules, a trailing backslash survives', () => {
  expect(quoteWindowsArg('D:\\ecr data\\')).toBe('"D:\\ecr data\\\\"');
  expect(parseWindowsCommandLine(windowsCommandLine(['--data-dir', 'D:\\ecr data\\']))).toEqual(['--data-dir', 'D:\\ecr data\\']);
  expect(quoteWindowsArg('D:\\ecrdata\\')).toBe('D:\\ecrdata\\');
  expect(quoteWindowsArg('')).toBe('""');
});

test('property: any arguments survive quoting and Windows splitting unchanged', () => {
  const char = fc.constantFrom('a', 'Z', '\\', '"', ' ', '\t', ':', 'é', '=', '>');
  const arg = fc.array(char, { maxLength: 12 }).map((cs) => cs.join(''));
  fc.assert(fc.property(fc.array(arg, { maxLength: 5 }), (args) => {
    expect(parseWindowsCommandLine(windowsCommandLine(args))).toEqual(args);
  }));
});

test('ECR_DATA_DIR=D:\\ecrdata\\ (or its mangled D:\\ecrdata") names D:\\ecrdata on Windows', () => {
  expect(resolveDataDir({ ECR_DATA_DIR: 'D:\\ecrdata\\' }, 'win32')).toBe('D:\\ecrdata');
  expect(resolveDataDir({ ECR_DATA_DIR: 'D:\\ecrdata"' }, 'win32')).toBe('D:\\ecrdata');
  expect(resolveDataDir({ ECR_DATA_DIR: '"D:\\ecr data\\"' }, 'win32')).toBe('D:\\ecr data');
  expect(cleanDirSetting('D:\\', 'win32')).toBe('D:\\');
  expect(cleanDirSetting('/opt/ecr/data/', 'linux')).toBe('/opt/ecr/data');
});
