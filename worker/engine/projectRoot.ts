import fs from 'node:fs';
import path from 'node:path';

/**
 * The repository root (where package.json, scripts/ and bin/ are), found from here whether this file runs from its
 * TypeScript source or from dist/ (bin/compiled.js), which sit at different depths.
 */
export function projectRoot(from = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}
