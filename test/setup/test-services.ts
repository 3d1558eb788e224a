import fs from 'node:fs';
import path from 'node:path';

/** Where the services started by global-setup are, shared with every test worker. */
export interface TestServices {
  pgAdminUrl: string;
  templateDatabase: string;
  s3Endpoint: string;
  dataDir: string;
}

/**
 * One file per test run (named by the run's process id and handed to the workers through the
 * environment), so that runs started side by side in one checkout never use each other's servers.
 */
export const servicesFileFor = (runId: number) => path.join(__dirname, '..', '..', '.test-data', `services-${runId}.json`);

export function readTestServices(): TestServices {
  const file = process.env.HUB_TEST_SERVICES_FILE;
  if (!file) throw new Error('HUB_TEST_SERVICES_FILE is not set: run the tests through jest (test/setup/global-setup.ts)');
  return JSON.parse(fs.readFileSync(file, 'utf8')) as TestServices;
}
