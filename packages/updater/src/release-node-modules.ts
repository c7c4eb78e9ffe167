/**
 * A release archive may carry its production node_modules (pack-release --node-modules: one platform and Node
 * ABI, named in the signed manifest), so a fix in a dependency can travel through UPDATE_SOURCE; such a
 * release keeps them, and only its workspace packages (@ecr/...) are linked to its own packages/<dir>.
 * Otherwise (the default: archives stay small and platform-free) an unpacked release gets a node_modules of
 * links: each third-party package points where the running release's points (in the
 * end, the base install's node_modules), and each workspace package (@ecr/...) points at the release's own
 * packages/<dir>, so the new release runs its own code.
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

/** Links each workspace package of `releaseRoot` into `<releaseRoot>/node_modules` (replacing what is there). */
export function linkWorkspacePackages(releaseRoot: string): void {
  const to = path.join(releaseRoot, 'node_modules');
  for (const [name, dir] of workspacePackages(releaseRoot)) {
    const at = path.join(to, ...name.split('/'));
    fs.mkdirSync(path.dirname(at), { recursive: true });
    fs.rmSync(at, { recursive: true, force: true });
    // Relative, so the data directory can be moved as a whole (Windows junctions need an absolute path).
    link(process.platform === 'win32' ? dir : path.relative(path.dirname(at), dir), at);
  }
}

/**
 * Copies the production packages of `root`'s node_modules into `<tree>/node_modules`: those package-lock.json
 * lists without "dev": true, never workspace links (linkWorkspacePackages makes them at install) or npm's
 * .bin and bookkeeping. Each package is copied without its nested node_modules, whose own lock entries bring
 * what production needs of them.
 */
export function copyProductionNodeModules(root: string, tree: string): void {
  let lock: { packages?: Record<string, { dev?: boolean; link?: boolean }> };
  try {
    lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as typeof lock;
  } catch (err) {
    throw new Error(`cannot read ${path.join(root, 'package-lock.json')} (${(err as Error).message}): it says which packages production needs`);
  }
  for (const [at, entry] of Object.entries(lock.packages ?? {})) {
    if (!at.startsWith('node_modules/') || entry.dev === true || entry.link === true) continue;
    const from = path.join(root, at);
    if (!fs.existsSync(from)) continue; // an optional package for another platform
    copyPackage(from, path.join(tree, at));
  }
}

function copyPackage(from: string, to: string): void {
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    if (entry.name === 'node_modules') continue;
    const src = path.join(from, entry.name);
    const dest = path.join(to, entry.name);
    if (entry.isDirectory()) copyPackage(src, dest);
    else if (entry.isFile()) fs.copyFileSync(src, dest);
    else if (entry.isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(src), dest);
  }
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
  linkWorkspacePackages(releaseRoot);
}
