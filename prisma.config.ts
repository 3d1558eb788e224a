import { defineConfig } from 'prisma/config';

// The CLI is used here only for `prisma generate`; migrations are diffed and applied by
// scripts/migrate.ts through Prisma's WebAssembly schema engine (works offline).
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
});
