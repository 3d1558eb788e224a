// Unit tests beside the code (apps/.../*.spec.ts) and end-to-end tests in test/ (*.e2e-spec.ts).
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

module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j)s$': swc },
  moduleNameMapper: {
    '^@model-hub/contracts$': '<rootDir>/libs/contracts/src',
  },
  testMatch: ['<rootDir>/apps/**/*.spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  globalSetup: '<rootDir>/test/setup/global-setup.ts',
  globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
  // Two cores here; each test file has its own database, so files run in parallel safely.
  maxWorkers: process.env.JEST_MAX_WORKERS || 2,
  testTimeout: 60_000,
  // Big-transfer tests keep a few hundred MB in flight; recycle a worker that grows past this.
  workerIdleMemoryLimit: '1GB',
};
