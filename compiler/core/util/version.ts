// The tinyrnn version, read from package.json once (it is stamped into every generated file).
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The package root (the folder holding tinyrnn's package.json), from source or from dist/. */
export function packageRoot(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    const p = path.join(dir, 'package.json');
    if (fs.existsSync(p)) {
      try {
        if (JSON.parse(fs.readFileSync(p, 'utf8')).name === 'tinyrnn') return dir;
      } catch {
        /* keep looking */
      }
    }
    dir = path.dirname(dir);
  }
  throw new Error('tinyrnn: cannot find the package root from ' + __dirname);
}

export const VERSION: string = JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')).version;
