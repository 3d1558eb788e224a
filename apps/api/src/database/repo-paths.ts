import fs from 'node:fs';
import path from 'node:path';

/** The repository root, found from this file whether it runs from src/ (tests) or dist/. */
export function repoRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'prisma', 'schema.prisma'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('Cannot find prisma/schema.prisma above ' + __dirname);
    dir = parent;
  }
  return dir;
}

export const migrationsDir = () => path.join(repoRoot(), 'prisma', 'migrations');
export const schemaPath = () => path.join(repoRoot(), 'prisma', 'schema.prisma');
