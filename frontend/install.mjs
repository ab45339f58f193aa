// `npm ci`, but only when node_modules was not installed from this very package-lock.json: a restart with
// nothing changed should not spend 7 to 12 s reinstalling the same packages. Run by Maven (generate-resources).
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const lock = createHash('sha256').update(readFileSync(path.join(here, 'package-lock.json'))).digest('hex');
const stamp = path.join(here, 'node_modules', '.installed-from-lock.sha256');

if (existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === lock) {
  console.log('node_modules is installed from this package-lock.json: npm ci skipped');
} else {
  execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: here, stdio: 'inherit' });
  writeFileSync(stamp, lock + '\n');
}
