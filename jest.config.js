// Two tiers: unit tests beside the code (apps/**/*.spec.ts) start no service and run in seconds
// (`npm run test:unit`); end-to-end tests in test/ (*.e2e-spec.ts) get a real PostgreSQL and S3
// server from the global setup (`npm run test:e2e`). `npm test` runs both.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];

const shared = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j)s$': swc },
  moduleNameMapper: {
    '^@model-hub/contracts$': '<rootDir>/libs/contracts/src',
  },
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  // ESM-only packages: Jest (before Node 24.9) cannot require() them, so swc compiles them too.
  transformIgnorePatterns: ['/node_modules/(?!(hyparquet|hyparquet-writer|hyparquet-compressors|hysnappy)/)'],
};

module.exports = {
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/apps/**/*.spec.ts', '<rootDir>/libs/**/*.spec.ts'],
    },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      // Runs only when a test of this project is selected, so the unit tier starts no service.
      globalSetup: '<rootDir>/test/setup/global-setup.ts',
      globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
    },
  ],
  // Two cores here; each test file has its own database, so files run in parallel safely.
  maxWorkers: process.env.JEST_MAX_WORKERS || 2,
  testTimeout: 60_000,
  // A fresh worker process for every test file (every worker is past this once a file ran): a
  // background loop that a library leaves behind after a hub closed (pg-boss's worker monitor
  // polls on for a job still running) then dies with its process instead of failing the next file
  // run in it. Big-transfer tests keep a few hundred MB in flight too.
  workerIdleMemoryLimit: '64MB',
};
