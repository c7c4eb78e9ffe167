/**
 * Issue 11 item 5: each workspace package declares the workspace packages its sources import, its relative
 * imports stay inside its own src/ (another package is reached by its name, never by a path), and its index
 * exports by name.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { manifestOf, packageDirs, PACKAGES_DIR, ROOT, sourceImports, workspacePackage, importsOf } from './source-imports';

describe.each(packageDirs())('packages/%s', (dir) => {
  const manifest = manifestOf(dir);
  const imports = sourceImports(dir);

  test('declares in package.json every workspace package its src/ imports', () => {
    const declared = new Set(Object.keys(manifest.dependencies ?? {}));
    const undeclared = imports
      .filter((i) => {
        const pkg = workspacePackage(i.specifier);
        return pkg !== undefined && pkg !== manifest.name && !declared.has(pkg);
      })
      .map((i) => `${i.file} imports ${i.specifier}, not in ${manifest.name}'s dependencies`);
    expect(undeclared).toEqual([]);
  });

  test('declares no workspace package it does not import', () => {
    const used = new Set(imports.map((i) => workspacePackage(i.specifier)).filter((p) => p !== undefined));
    const unused = Object.keys(manifest.dependencies ?? {}).filter((d) => d.startsWith('@ecr/') && !used.has(d));
    expect(unused).toEqual([]);
  });

  test('its tsconfig references exactly the workspace packages it declares (tsc -b builds them first)', () => {
    const tsconfig = JSON.parse(fs.readFileSync(path.join(PACKAGES_DIR, dir, 'tsconfig.json'), 'utf8')) as { references?: { path: string }[] };
    const referenced = (tsconfig.references ?? []).map((r) => manifestOf(path.basename(r.path)).name).sort();
    const declared = Object.keys(manifest.dependencies ?? {}).filter((d) => d.startsWith('@ecr/')).sort();
    expect(referenced).toEqual(declared);
  });

  test('its index names what it exports (no export * from: a new export is a decision, not an accident)', () => {
    const index = path.join(PACKAGES_DIR, dir, 'src', 'index.ts');
    if (!fs.existsSync(index)) return; // a program only (tp-manager, supervisor): main.ts is its entry point
    expect(fs.readFileSync(index, 'utf8').match(/^export \* from .*$/gm) ?? []).toEqual([]);
  });

  test('reaches no file outside its own src/ by a relative path', () => {
    const src = path.join(PACKAGES_DIR, dir, 'src');
    const escaping = imports
      .filter((i) => i.specifier.startsWith('.'))
      .filter((i) => !path.resolve(ROOT, path.dirname(i.file), i.specifier).startsWith(src + path.sep))
      .map((i) => `${i.file} imports ${i.specifier}`);
    expect(escaping).toEqual([]);
  });
});

test('the import reader sees every form of import (so the tests above can fail)', () => {
  const file = path.join(__dirname, 'fixtures', 'all-import-forms.ts.txt');
  expect(importsOf(file).sort()).toEqual(['@ecr/a', '@ecr/b', '@ecr/c', '@ecr/d', '@ecr/e', '@ecr/f', 'node:fs'].sort());
});
