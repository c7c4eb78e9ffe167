/**
 * What each package's sources import, read from the files themselves (import ... from, export ... from,
 * import x = require(), import(), require()): the facts the shape tests judge.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');
export const PACKAGES_DIR = path.join(ROOT, 'packages');

export interface SourceImport {
  /** The importing file, relative to the repository root. */
  file: string;
  specifier: string;
}

const PATTERNS = [
  /\b(?:import|export)\s[^'";]*?\bfrom\s*['"]([^'"]+)['"]/g,
  /\bimport\s*['"]([^'"]+)['"]/g,
  /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
];

/** Block and line comments out, so a comment that quotes an import is not one. */
function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

export function importsOf(file: string): string[] {
  const text = withoutComments(fs.readFileSync(file, 'utf8'));
  const found = new Set<string>();
  for (const pattern of PATTERNS) for (const m of text.matchAll(pattern)) found.add(m[1]);
  return [...found];
}

function tsFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return tsFiles(full);
    return /\.ts$/.test(e.name) && !/\.d\.ts$/.test(e.name) ? [full] : [];
  });
}

export function packageDirs(): string[] {
  return fs
    .readdirSync(PACKAGES_DIR)
    .filter((d) => fs.existsSync(path.join(PACKAGES_DIR, d, 'package.json')))
    .sort();
}

/** Every import of the package's `src/` files. */
export function sourceImports(dir: string): SourceImport[] {
  return tsFiles(path.join(PACKAGES_DIR, dir, 'src')).flatMap((file) =>
    importsOf(file).map((specifier) => ({ file: path.relative(ROOT, file), specifier })),
  );
}

/** The workspace package a specifier names (@ecr/x, or @ecr/x/sub), else undefined. */
export function workspacePackage(specifier: string): string | undefined {
  return /^(@ecr\/[^/]+)/.exec(specifier)?.[1];
}

export function manifestOf(dir: string): { name: string; dependencies?: Record<string, string>; devDependencies?: Record<string, string> } {
  return JSON.parse(fs.readFileSync(path.join(PACKAGES_DIR, dir, 'package.json'), 'utf8'));
}
