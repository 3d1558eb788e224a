import fs from 'node:fs';
import path from 'node:path';

/** Where the services started by global-setup are, shared with every test worker. */
export interface TestServices {
  pgAdminUrl: string;
  templateDatabase: string;
  s3Endpoint: string;
  dataDir: string;
}

export const servicesFile = path.join(__dirname, '..', '..', '.test-data', 'services.json');

export function readTestServices(): TestServices {
  return JSON.parse(fs.readFileSync(servicesFile, 'utf8')) as TestServices;
}
