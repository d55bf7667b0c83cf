// matterpay runs from JavaScript compiled ahead into dist/ (gitignored), so a command does not pay for
// compiling TypeScript on every run. dist/ is made on first use and remade whenever a source file changes (checked
// by the size and mtime of every source file: a few milliseconds), so a fresh clone or a `git pull` needs no step.
// esbuild transpiles file by file (no bundling, no type check: `npm run typecheck` does that), the same transform
// tsx applies, so the compiled code behaves as the sources run through tsx do.
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const distDir = path.join(root, 'dist');
const manifestFile = path.join(distDir, '.sources');
// Every folder the command line can import from; test/ and bench/ run through tsx or jest.
const sourceDirs = [
  'activities',
  'connectors',
  'documents',
  'domain',
  'sandbox',
  'shared',
  'store',
  'workflows',
  'worker',
];

/** Every file of the source folders: TypeScript to compile, and the assets read beside it (templates, migrations). */
function listSources() {
  const files = [];
  for (const dir of sourceDirs) {
    const abs = path.join(root, dir);
    if (!fs.existsSync(abs)) continue;
    for (const entry of fs.readdirSync(abs, { recursive: true, withFileTypes: true })) {
      if (entry.isFile() && !entry.name.endsWith('.tmp'))
        files.push(path.join(entry.parentPath ?? entry.path, entry.name));
    }
  }
  return files.sort();
}

const isTypeScript = (file) => file.endsWith('.ts') && !file.endsWith('.d.ts');

function signatureOf(files) {
  const hash = crypto.createHash('sha256');
  for (const file of files) {
    const stat = fs.statSync(file);
    hash.update(`${path.relative(root, file)}\0${stat.size}\0${stat.mtimeMs}\n`);
  }
  return hash.digest('hex');
}

/** Writes through a temporary file and a rename: commands started at once (tests spawn several) never read half a file. */
function writeAtomically(file, contents) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, contents);
  fs.renameSync(temporary, file);
}

function build(files, signature) {
  const esbuild = require('esbuild');
  const result = esbuild.buildSync({
    entryPoints: files.filter(isTypeScript),
    outdir: distDir,
    outbase: root,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    bundle: false,
    write: false,
    logLevel: 'silent',
  });
  const written = new Set();
  for (const output of result.outputFiles) {
    writeAtomically(output.path, output.contents);
    written.add(output.path);
  }
  // Code that reads files beside itself (`path.join(__dirname, 'templates')`, the migrations) finds them in dist/ too.
  for (const asset of files.filter((file) => !isTypeScript(file))) {
    const target = path.join(distDir, path.relative(root, asset));
    writeAtomically(target, fs.readFileSync(asset));
    written.add(target);
  }
  // A source removed or moved must not leave its old .js behind, where a require() could still find it.
  for (const dir of sourceDirs) removeStale(path.join(distDir, dir), written);
  writeAtomically(manifestFile, signature);
}

function removeStale(dir, keep) {
  if (!fs.existsSync(dir)) return;
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const file = path.join(entry.parentPath ?? entry.path, entry.name);
    if (entry.isFile() && !keep.has(file)) fs.rmSync(file, { force: true });
  }
}

/**
 * The path of the compiled `relativePath` (such as `worker/cli.js`), building dist/ first when it is missing or
 * stale; null when it cannot be built (no esbuild, a read-only checkout, a syntax error): the caller falls back to tsx.
 */
function compiledEntry(relativePath) {
  if (process.env.MATTERPAY_NO_DIST === '1') return null;
  try {
    const files = listSources();
    const signature = signatureOf(files);
    const current = fs.existsSync(manifestFile) ? fs.readFileSync(manifestFile, 'utf8') : '';
    if (current !== signature) build(files, signature);
    return path.join(distDir, relativePath);
  } catch (err) {
    if (process.env.MATTERPAY_DEBUG)
      process.stderr.write(`matterpay: running through tsx, dist/ could not be built: ${err.message}\n`);
    return null;
  }
}

module.exports = {
  compiledEntry,
  build: () => {
    const files = listSources();
    build(files, signatureOf(files));
  },
};
