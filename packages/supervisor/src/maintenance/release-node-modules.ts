/**
 * Release archives carry no node_modules (they would be large and platform-specific). An unpacked release
 * gets a node_modules of links: each third-party package points where the running release's points (in the
 * end, the base install's node_modules), and each workspace package (@ecr/...) points at the release's own
 * packages/<dir>, so the new release runs its own code. A release that needs a new or different third-party
 * package (a native one above all) cannot come this way: it must be installed by hand with npm ci.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Workspace package name -> its directory under `<root>/packages`. */
function workspacePackages(root: string): Map<string, string> {
  const found = new Map<string, string>();
  const packagesDir = path.join(root, 'packages');
  for (const dir of fs.readdirSync(packagesDir)) {
    try {
      const manifest = JSON.parse(fs.readFileSync(path.join(packagesDir, dir, 'package.json'), 'utf8')) as { name?: unknown };
      if (typeof manifest.name === 'string') found.set(manifest.name, path.join(packagesDir, dir));
    } catch {
      // not a package
    }
  }
  return found;
}

function link(target: string, at: string): void {
  fs.symlinkSync(target, at, process.platform === 'win32' ? 'junction' : 'dir');
}

/** Creates `<releaseRoot>/node_modules` from `<fromRoot>/node_modules` (see above). */
export function linkNodeModules(releaseRoot: string, fromRoot: string): void {
  const from = path.join(fromRoot, 'node_modules');
  const to = path.join(releaseRoot, 'node_modules');
  const own = workspacePackages(releaseRoot);
  const ownScopes = new Set([...own.keys()].filter((n) => n.startsWith('@')).map((n) => n.split('/')[0]!));
  fs.rmSync(to, { recursive: true, force: true });
  fs.mkdirSync(to);

  for (const entry of fs.readdirSync(from)) {
    if (entry.startsWith('.')) continue; // .bin, .package-lock.json: npm's own bookkeeping
    const source = path.join(from, entry);
    if (entry.startsWith('@') && ownScopes.has(entry)) {
      // A scope shared with the workspace: a real folder, third-party members linked one by one.
      fs.mkdirSync(path.join(to, entry));
      for (const member of fs.readdirSync(source)) {
        if (own.has(`${entry}/${member}`)) continue;
        link(fs.realpathSync(path.join(source, member)), path.join(to, entry, member));
      }
      continue;
    }
    if (own.has(entry)) continue;
    link(fs.realpathSync(source), path.join(to, entry));
  }
  for (const [name, dir] of own) {
    const at = path.join(to, ...name.split('/'));
    fs.mkdirSync(path.dirname(at), { recursive: true });
    // Relative, so the data directory can be moved as a whole (Windows junctions need an absolute path).
    link(process.platform === 'win32' ? dir : path.relative(path.dirname(at), dir), at);
  }
}
