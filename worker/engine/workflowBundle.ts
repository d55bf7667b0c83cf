import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from './projectRoot';

/** The folders whose code can reach a workflow bundle (lint allows workflows only type imports from the rest). */
const WORKFLOW_SOURCE_DIRS = ['workflows', 'domain', 'shared'];
const KEEP_BUNDLES = 3;

/** A digest of every file the bundle is made from, and of the locked dependency versions (the SDK among them). */
function sourceDigest(root: string): string {
  const hash = crypto.createHash('sha256');
  const files = WORKFLOW_SOURCE_DIRS.flatMap((dir) =>
    fs
      .readdirSync(path.join(root, dir), { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
      .map((entry) => path.join(entry.parentPath, entry.name)),
  ).sort();
  for (const file of [...files, path.join(root, 'bin', 'bundle-workflows.js'), path.join(root, 'package-lock.json')]) {
    if (!fs.existsSync(file)) continue;
    hash.update(path.relative(root, file)).update('\0').update(fs.readFileSync(file)).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * The path of a prebuilt workflow bundle for the current sources under `cacheDir`, bundling it first (in a child
 * process, bin/bundle-workflows.js) when the sources changed. The worker then loads only the bundle: webpack, which
 * costs ~100 MiB of resident memory that a long-lived worker would never give back, stays out of its process.
 */
export async function ensureWorkflowBundle(cacheDir: string): Promise<string> {
  const root = projectRoot();
  const bundle = path.join(cacheDir, `workflows-${sourceDigest(root)}.js`);
  if (!fs.existsSync(bundle)) {
    await promisify(execFile)(
      process.execPath,
      [
        path.join(root, 'bin', 'bundle-workflows.js'),
        path.join(root, 'workflows', 'index.ts'),
        bundle,
        // Production activities get heartbeat timeouts: a killed worker's activity moves on in seconds.
        path.join(root, 'workflows', 'heartbeatTimeouts.ts'),
      ],
      { maxBuffer: 16 * 1024 * 1024 },
    );
    removeOldBundles(cacheDir, bundle);
  }
  return bundle;
}

function removeOldBundles(cacheDir: string, current: string): void {
  const old = fs
    .readdirSync(cacheDir)
    .filter((name) => /^workflows-[0-9a-f]+\.js$/.test(name) && path.join(cacheDir, name) !== current)
    .map((name) => ({ file: path.join(cacheDir, name), mtimeMs: fs.statSync(path.join(cacheDir, name)).mtimeMs }))
    .sort((a, b) => b.mtimeMs - a.mtimeMs);
  for (const { file } of old.slice(KEEP_BUNDLES - 1)) fs.rmSync(file, { force: true });
}
