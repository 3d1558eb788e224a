import fs from 'node:fs/promises';

export default async function globalTeardown(): Promise<void> {
  const services = (globalThis as Record<string, unknown>).__hubTestServices as
    { pg: { stop(): Promise<void> }; s3: { stop(): Promise<void> }; dataDir: string; servicesFile: string } | undefined;
  if (!services) return;
  await services.s3.stop().catch(() => undefined);
  await services.pg.stop().catch(() => undefined);
  await fs.rm(services.dataDir, { recursive: true, force: true });
  await fs.rm(services.servicesFile, { force: true });
}
