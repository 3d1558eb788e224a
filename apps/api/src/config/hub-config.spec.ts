import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, ENV_VARIABLES, loadConfig } from './hub-config';

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
};

describe('loadConfig', () => {
  it('has defaults that start an embedded hub on port 3000', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      env: 'development',
      port: 3000,
      host: '0.0.0.0',
      publicUrl: undefined,
      trustProxy: ['loopback'],
      dataDir: path.resolve('.hub-data'),
      databaseUrl: undefined,
      s3: { endpoint: undefined, region: 'us-east-1', bucket: 'model-hub', forcePathStyle: true },
      jwt: { secret: undefined, expiresInSeconds: 604_800 },
      bodyLimit: '1mb',
      loginRateLimit: { maxFailuresPerAccount: 10, maxFailuresPerAddress: 50, windowSeconds: 900 },
    });
  });

  it('reads every service address and setting', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      PORT: '8080',
      PUBLIC_URL: 'https://hub.example.org/',
      HUB_DATA_DIR: '/var/lib/hub',
      DATABASE_URL: 'postgresql://hub:pw@db:5432/hub',
      DATABASE_POOL_SIZE: '20',
      S3_ENDPOINT: 'http://minio:9000',
      S3_PUBLIC_ENDPOINT: 'https://cdn.example.org',
      S3_ACCESS_KEY_ID: 'key',
      S3_SECRET_ACCESS_KEY: 'secret',
      S3_BUCKET: 'weights',
      S3_FORCE_PATH_STYLE: 'false',
      JWT_SECRET: 'x'.repeat(32),
      HUB_ADMIN_USERNAME: 'root-user',
      LOGIN_MAX_FAILURES_PER_ACCOUNT: '5',
    });
    expect(config).toMatchObject({
      env: 'production',
      port: 8080,
      publicUrl: 'https://hub.example.org',
      dataDir: '/var/lib/hub',
      databaseUrl: 'postgresql://hub:pw@db:5432/hub',
      databasePoolSize: 20,
      s3: {
        endpoint: 'http://minio:9000',
        publicEndpoint: 'https://cdn.example.org',
        accessKeyId: 'key',
        secretAccessKey: 'secret',
        bucket: 'weights',
        forcePathStyle: false,
      },
      jwt: { secret: 'x'.repeat(32) },
      adminUsername: 'root-user',
      loginRateLimit: { maxFailuresPerAccount: 5 },
    });
  });

  it('leaves the public URL unset without PUBLIC_URL (links follow the request), and treats empty values as unset', () => {
    expect(loadConfig({ PORT: '4000' }).publicUrl).toBeUndefined();
    expect(loadConfig({ PORT: '', DATABASE_URL: '', PUBLIC_URL: '' })).toMatchObject({ port: 3000, databaseUrl: undefined, publicUrl: undefined });
  });

  it('reads TRUST_PROXY as Express takes it: true, false, a hop count, or addresses, ranges and names', () => {
    expect(loadConfig({ TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8,fd00::/8, 192.0.2.7' }).trustProxy).toEqual(['loopback', '10.0.0.0/8', 'fd00::/8', '192.0.2.7']);
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '3000.5'],
    ['PORT', '0x10'],
    ['PORT', '-1'],
    ['PORT', '65536'],
    ['DATABASE_URL', 'mysql://root@localhost/hub'],
    ['DATABASE_POOL_SIZE', '0'],
    ['PUBLIC_URL', 'not-a-url'],
    ['PUBLIC_URL', 'ftp://hub.example.org'],
    ['S3_ENDPOINT', 'minio:9000'],
    ['S3_PUBLIC_ENDPOINT', 'not a url'],
    ['S3_BUCKET', 'Upper_Case'],
    ['S3_FORCE_PATH_STYLE', 'maybe'],
    ['JWT_SECRET', 'too-short'],
    ['JWT_EXPIRES_IN_SECONDS', '10'],
    ['BODY_LIMIT', '1 gigabyte'],
    ['LOG_LEVEL', 'verbose'],
    ['NODE_ENV', 'staging'],
    ['LOGIN_FAILURE_WINDOW_SECONDS', '0'],
    ['TRUST_PROXY', 'yes'],
    ['TRUST_PROXY', '10.0.0.0/33'],
    ['TRUST_PROXY', 'loopback,proxy.example.org'],
    ['CORS_ORIGINS', 'app.example.org'],
    ['CORS_ORIGINS', 'https://app.example.org/path'],
    ['CORS_ORIGINS', 'https://a.example, *'],
  ])('refuses %s=%s, naming the variable', (variable, value) => {
    const problems = problemsOf({ [variable]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${variable}: `));
  });

  it('reads CORS_ORIGINS as a list of origins or *, none by default', () => {
    expect(loadConfig({}).corsOrigins).toEqual([]);
    expect(loadConfig({ CORS_ORIGINS: '*' }).corsOrigins).toBe('*');
    expect(loadConfig({ CORS_ORIGINS: 'https://app.example.org, http://localhost:5173' }).corsOrigins).toEqual([
      'https://app.example.org',
      'http://localhost:5173',
    ]);
  });

  it('requires S3 keys with S3_ENDPOINT and a JWT secret in production', () => {
    expect(problemsOf({ S3_ENDPOINT: 'http://minio:9000', S3_ACCESS_KEY_ID: 'k' })).toEqual([
      expect.stringMatching(/^S3_ACCESS_KEY_ID \/ S3_SECRET_ACCESS_KEY: required when S3_ENDPOINT is set/),
    ]);
    expect(problemsOf({ NODE_ENV: 'production' })).toEqual([expect.stringMatching(/^JWT_SECRET: required when NODE_ENV=production/)]);
  });

  it('says what is wrong in the error message, one line a variable', () => {
    expect(() => loadConfig({ PORT: 'abc', PUBLIC_URL: 'nope' })).toThrow(
      /Invalid configuration:\n {2}- PORT: expected a whole number\n {2}- PUBLIC_URL: expected an absolute http\(s\) URL/,
    );
  });
});

describe('.env.example', () => {
  const example = fs.readFileSync(path.join(__dirname, '..', '..', '..', '..', '.env.example'), 'utf8');
  const documented = new Set([...example.matchAll(/^#?([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]));

  it('documents every variable the hub reads', () => {
    expect(ENV_VARIABLES.filter((name) => !documented.has(name))).toEqual([]);
  });
});
