/**
 * Issue 11 item 1: the protocol package stands alone. Its sources import only each other and Node's built-ins
 * (no workspace package, no npm package), and its package.json declares no dependency: a new protocol is one
 * folder there, testable without any other part of the connector.
 */
import * as path from 'node:path';
import { builtinModules } from 'node:module';
import { manifestOf, PACKAGES_DIR, ROOT, sourceImports } from './source-imports';

const SRC = path.join(PACKAGES_DIR, 'protocol', 'src');
const BUILTINS = new Set(builtinModules);

function allowed(file: string, specifier: string): boolean {
  if (specifier.startsWith('.')) return path.resolve(ROOT, path.dirname(file), specifier).startsWith(SRC + path.sep);
  const bare = specifier.replace(/^node:/, '');
  return BUILTINS.has(bare) || BUILTINS.has(bare.split('/')[0]!);
}

test('packages/protocol/src imports nothing outside itself and Node', () => {
  const outside = sourceImports('protocol')
    .filter((i) => !allowed(i.file, i.specifier))
    .map((i) => `${i.file} imports ${i.specifier}`);
  expect(outside).toEqual([]);
});

test('packages/protocol declares no dependency', () => {
  const manifest = manifestOf('protocol');
  expect({ ...manifest.dependencies, ...manifest.devDependencies }).toEqual({});
});

test('the check refuses what it must (so it can fail)', () => {
  const file = path.join('packages', 'protocol', 'src', 'concert', 'result.ts');
  expect(allowed(file, '@ecr/common')).toBe(false);
  expect(allowed(file, 'winston')).toBe(false);
  expect(allowed(file, '../../../common/src/pan')).toBe(false);
  expect(allowed(file, '../pan')).toBe(true);
  expect(allowed(file, 'node:crypto')).toBe(true);
  expect(allowed(file, 'buffer')).toBe(true);
});
