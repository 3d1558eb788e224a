import type { RequestListener } from 'node:http';
import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import type { ArrivalHash } from '../storage/object-storage';
import { EMPTY_ALLOW_LIST, parseTargetAllowList, TargetAllowList } from '../webhooks/webhook-allow-list';

/**
 * Every setting the hub reads from the environment. Parsed once at boot: a wrong or missing
 * value stops the server with a message naming the variable (see `.env.example`).
 */
const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'expected true or false' }).transform((v) => v === 'true' || v === '1' || v === 'yes');
// Digits only: Number() would also take '0x10', '1e3' or ' 80 ', which are typos here.
const int = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .regex(/^\d+$/, { message: 'expected a whole number' })
    .transform(Number)
    .pipe(
      z
        .number()
        .min(min, { message: `expected a number >= ${min}` })
        .max(max, { message: `expected a number <= ${max}` }),
    );
const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const url = z.url({ protocol: /^https?$/, message: 'expected an absolute http(s) URL such as http://localhost:3000' });
/** An address or CIDR range (`10.0.0.0/8`, `fd00::/8`, `192.0.2.7`). */
const isAddressOrRange = (item: string) => {
  const [address, bits, extra] = item.split('/');
  const family = isIP(address);
  return family !== 0 && extra === undefined && (bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128)));
};
// Express's 'trust proxy' values, checked here so that a typo fails at start instead of trusting nobody.
const trustProxy = z.string().transform((value, ctx) => {
  if (value === 'true' || value === 'false') return value === 'true';
  if (/^\d+$/.test(value)) return Number(value);
  const items = value.split(',').map((item) => item.trim());
  if (items.every((item) => ['loopback', 'linklocal', 'uniquelocal'].includes(item) || isAddressOrRange(item))) return items;
  ctx.addIssue({
    code: 'custom',
    message: 'expected true, false, a number of proxies, or a comma-separated list of addresses, CIDR ranges, loopback, linklocal, uniquelocal',
  });
  return z.NEVER;
});

// `*`, or a comma-separated list of origins (scheme://host[:port]) allowed to call the API from a browser.
const corsOrigins = z.string().transform((value, ctx) => {
  if (value.trim() === '*') return '*' as const;
  const items = value.split(',').map((item) => item.trim());
  const bad = items.filter((item) => {
    try {
      const parsed = new URL(item);
      return !/^https?:$/.test(parsed.protocol) || parsed.origin !== item;
    } catch {
      return true;
    }
  });
  if (!bad.length) return items;
  ctx.addIssue({ code: 'custom', message: `expected * or comma-separated origins such as https://app.example.org (not ${bad.join(', ')})` });
  return z.NEVER;
});

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: int(0, 65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  PUBLIC_URL: url.optional(),
  TRUST_PROXY: trustProxy.default(['loopback']),
  HUB_DATA_DIR: z.string().min(1).default('./.hub-data'),
  CORS_ORIGINS: corsOrigins.optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, { message: 'expected a postgresql:// connection URL' })
    .optional(),
  DATABASE_POOL_SIZE: int(1, 500).default(10),

  S3_ENDPOINT: url.optional(),
  S3_PUBLIC_ENDPOINT: url.optional(),
  S3_REGION: z.string().min(1).default('us-east-1'),
  S3_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: 'expected a bucket name of 3-63 lower-case letters, digits, dots or dashes' })
    .default('model-hub'),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  S3_FORCE_PATH_STYLE: bool.default(true),
  /** The service checks a signed x-amz-checksum-sha256 on PUT (AWS S3, recent MinIO; s3rver does not). */
  S3_CHECKSUM_SHA256: bool.default(false),

  JWT_SECRET: z.string().min(32, { message: 'expected at least 32 characters' }).optional(),
  JWT_EXPIRES_IN_SECONDS: int(60).default(7 * 24 * 3600),
  HUB_ADMIN_USERNAME: z.string().min(1).optional(),

  BODY_LIMIT: z
    .string()
    .regex(/^\d+(b|kb|mb)$/i, { message: 'expected a size such as 1mb or 512kb' })
    .default('1mb'),
  COMMIT_BODY_LIMIT: z
    .string()
    .regex(/^\d+(b|kb|mb|gb)$/i, { message: 'expected a size such as 200mb' })
    .default('200mb'),
  LFS_THRESHOLD_BYTES: int(1).default(10 * 1024 * 1024),
  MAX_PATH_LENGTH: int(1, 4096).default(1024),
  MAX_COMMIT_OPERATIONS: int(1).default(25_000),
  LOGIN_MAX_FAILURES_PER_ACCOUNT: int(1).default(10),
  LOGIN_MAX_FAILURES_PER_ADDRESS: int(1).default(50),
  LOGIN_FAILURE_WINDOW_SECONDS: int(1).default(15 * 60),

  PRESIGNED_URL_TTL_SECONDS: int(1, 7 * 24 * 3600).default(300),
  INLINE_BLOB_MAX_BYTES: int(0, 64 * MiB).default(MiB),
  // S3 refuses a single PUT above 5 GiB and parts below 5 MiB (except the last).
  MULTIPART_THRESHOLD: int(1, 5 * GiB).default(64 * MiB),
  MULTIPART_CHUNK_SIZE: int(5 * MiB, 5 * GiB).default(64 * MiB),
  MAX_FILE_SIZE: int(1, 10_000 * 5 * GiB).default(500 * GiB),
  UPLOAD_EXPIRY_HOURS: int(1, 7 * 24).default(24),
  BLOB_GC_GRACE_HOURS: int(0).default(24),
  JOBS_ENABLED: bool.default(true),

  GRANT_EXPIRY_NOTICE_DAYS: int(0, 365).default(7),
  SEARCH_WARMUP: bool.default(true),
  WEBHOOK_TIMEOUT_SECONDS: int(1, 300).default(10),
  WEBHOOK_MAX_ATTEMPTS: int(1, 50).default(8),
  WEBHOOK_RETRY_DELAY_SECONDS: int(1, 24 * 3600).default(30),
  /** Replaced by WEBHOOK_ALLOWED_TARGETS: refused with a message saying so. */
  WEBHOOK_ALLOW_PRIVATE_TARGETS: z.string().optional(),
  WEBHOOK_ALLOWED_TARGETS: z
    .string()
    .transform((raw, ctx) => {
      const parsed = parseTargetAllowList(raw);
      if ('list' in parsed) return parsed.list;
      ctx.addIssue({
        code: 'custom',
        message: `not a CIDR, address or host name: ${parsed.invalid.join(', ')} (expected e.g. 127.0.0.1/32,10.0.0.0/8,hooks.internal,*.corp.example)`,
      });
      return z.NEVER;
    })
    .optional(),
  WEBHOOK_SECRET_KEY: z.string().min(32, { message: 'expected at least 32 characters' }).optional(),
  /** Memory the embedded inference backend may fill with loaded models (least recently used evicted). */
  INFERENCE_MEMORY_MB: int(16, 1024 * 1024).default(1024),
  /** onnxruntime threads per call (intra-op); 0: onnxruntime's default (one per core). */
  INFERENCE_THREADS: int(0, 256).default(1),
  /** Worker threads that run the embedded backend's models (each model in one of them), off the event loop. */
  INFERENCE_WORKERS: int(1, 256).default(2),
  /** Hosts that remote inference deployments may forward to (none by default): CIDRs, addresses, host names. */
  INFERENCE_ALLOWED_TARGETS: z
    .string()
    .transform((raw, ctx) => {
      const parsed = parseTargetAllowList(raw);
      if ('list' in parsed) return parsed.list;
      ctx.addIssue({
        code: 'custom',
        message: `not a CIDR, address or host name: ${parsed.invalid.join(', ')} (expected e.g. 127.0.0.1/32,10.0.0.0/8,triton.internal)`,
      });
      return z.NEVER;
    })
    .optional(),
  /** Encrypts remote deployments' credentials at rest (generated into the data folder when unset). */
  INFERENCE_SECRET_KEY: z.string().min(32, { message: 'expected at least 32 characters' }).optional(),
});

export type HubEnv = z.infer<typeof envSchema>;

/** Every variable the hub reads (each documented in .env.example; a unit test checks). */
export const ENV_VARIABLES = Object.keys(envSchema.shape) as (keyof HubEnv)[];

export interface HubConfig {
  env: HubEnv['NODE_ENV'];
  port: number;
  host: string;
  /**
   * External address used in links the hub returns. Unset: each link is built from the address the
   * request came to (its protocol and Host, or X-Forwarded-Proto/Host from a trusted proxy).
   */
  publicUrl?: string;
  /** Express's 'trust proxy': whose X-Forwarded-For/Proto/Host headers are believed. */
  trustProxy: boolean | number | string[];
  dataDir: string;
  /** Origins whose browser pages may call the API (none: same origin only; `*`: any, without cookies). */
  corsOrigins: string[] | '*';
  logLevel: HubEnv['LOG_LEVEL'];
  /** Unset: the hub starts an embedded PostgreSQL under dataDir. */
  databaseUrl?: string;
  databasePoolSize: number;
  s3: {
    /** Unset: the hub starts an embedded S3-compatible server under dataDir. */
    endpoint?: string;
    publicEndpoint?: string;
    region: string;
    bucket: string;
    accessKeyId?: string;
    secretAccessKey?: string;
    forcePathStyle: boolean;
    /** Single-PUT URLs carry the object's sha256 as a signed x-amz-checksum-sha256, which the service checks. */
    checksumSha256: boolean;
  };
  jwt: { secret?: string; expiresInSeconds: number };
  adminUsername?: string;
  bodyLimit: string;
  /** Body limit of Hugging Face NDJSON commits (small files travel inline, base64). */
  commitBodyLimit: string;
  /** Files above this size are uploaded through LFS (see hf-compat/upload-mode.ts). */
  lfsThresholdBytes: number;
  /** Longest file path a commit may write (characters). */
  maxPathLength: number;
  /** Most operations one commit may have. */
  maxCommitOperations: number;
  loginRateLimit: { maxFailuresPerAccount: number; maxFailuresPerAddress: number; windowSeconds: number };
  /** Lifetime of presigned download and single-PUT upload URLs. */
  presignedUrlTtlSeconds: number;
  blobs: {
    /** Files up to this size committed inline are kept in PostgreSQL rather than the bucket. */
    inlineMaxBytes: number;
    /** LFS uploads above this size use the multipart transfer. */
    multipartThresholdBytes: number;
    /** Part size offered for multipart uploads (raised for huge files: S3 allows 10,000 parts). */
    multipartChunkBytes: number;
    maxFileBytes: number;
    /** An upload not completed within this time is aborted and its staged bytes deleted. */
    uploadExpiryHours: number;
    /** Blobs no commit references are deleted once they are this old. */
    gcGraceHours: number;
  };
  /** false: this process runs no background workers or schedules (it still enqueues jobs). */
  jobsEnabled: boolean;
  /** Load the search index and match the catalogue's most frequent words at start, in the background (discovery/search/search-warmup.service.ts). */
  searchWarmup: boolean;
  licensing: {
    /** Holders of a grant ending within this many days get a `grant.expiring` notice (0: none). */
    grantExpiryNoticeDays: number;
  };
  webhooks: {
    timeoutSeconds: number;
    /** Attempts per delivery, the first included; retries wait retryDelaySeconds, doubling. */
    maxAttempts: number;
    retryDelaySeconds: number;
    /** Loopback, private, link-local... targets an administrator allows (WEBHOOK_ALLOWED_TARGETS; none by default). */
    allowedTargets: TargetAllowList;
    /** Encrypts webhook secrets at rest; generated into the data folder when unset (webhooks/webhook-secret-box.ts). */
    secretKey?: string;
  };
  inference: {
    memoryBytes: number;
    threads: number;
    workers: number;
    allowedTargets: TargetAllowList;
    secretKey?: string;
  };
}

/** Raised when the environment is invalid; its message lists every bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(environment: NodeJS.ProcessEnv = process.env): HubConfig {
  // Empty strings count as unset, as in most .env loaders.
  const raw = Object.fromEntries(Object.entries(environment).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  const problems: string[] = [];
  if (e.S3_ENDPOINT && (!e.S3_ACCESS_KEY_ID || !e.S3_SECRET_ACCESS_KEY)) {
    problems.push('S3_ACCESS_KEY_ID / S3_SECRET_ACCESS_KEY: required when S3_ENDPOINT is set');
  }
  if (e.NODE_ENV === 'production' && !e.JWT_SECRET) {
    problems.push('JWT_SECRET: required when NODE_ENV=production (at least 32 characters)');
  }
  if (e.WEBHOOK_ALLOW_PRIVATE_TARGETS !== undefined) {
    problems.push(
      'WEBHOOK_ALLOW_PRIVATE_TARGETS: no longer supported; list the private targets to allow in WEBHOOK_ALLOWED_TARGETS (e.g. 127.0.0.1/32,10.0.0.0/8)',
    );
  }
  if (problems.length) throw new ConfigError(problems);
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    publicUrl: e.PUBLIC_URL?.replace(/\/+$/, ''),
    trustProxy: e.TRUST_PROXY,
    dataDir: path.resolve(e.HUB_DATA_DIR),
    corsOrigins: e.CORS_ORIGINS ?? [],
    logLevel: e.LOG_LEVEL,
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    s3: {
      endpoint: e.S3_ENDPOINT,
      publicEndpoint: e.S3_PUBLIC_ENDPOINT,
      region: e.S3_REGION,
      bucket: e.S3_BUCKET,
      accessKeyId: e.S3_ACCESS_KEY_ID,
      secretAccessKey: e.S3_SECRET_ACCESS_KEY,
      forcePathStyle: e.S3_FORCE_PATH_STYLE,
      checksumSha256: e.S3_CHECKSUM_SHA256,
    },
    jwt: { secret: e.JWT_SECRET, expiresInSeconds: e.JWT_EXPIRES_IN_SECONDS },
    adminUsername: e.HUB_ADMIN_USERNAME,
    bodyLimit: e.BODY_LIMIT,
    commitBodyLimit: e.COMMIT_BODY_LIMIT,
    lfsThresholdBytes: e.LFS_THRESHOLD_BYTES,
    maxPathLength: e.MAX_PATH_LENGTH,
    maxCommitOperations: e.MAX_COMMIT_OPERATIONS,
    loginRateLimit: {
      maxFailuresPerAccount: e.LOGIN_MAX_FAILURES_PER_ACCOUNT,
      maxFailuresPerAddress: e.LOGIN_MAX_FAILURES_PER_ADDRESS,
      windowSeconds: e.LOGIN_FAILURE_WINDOW_SECONDS,
    },
    presignedUrlTtlSeconds: e.PRESIGNED_URL_TTL_SECONDS,
    blobs: {
      inlineMaxBytes: e.INLINE_BLOB_MAX_BYTES,
      multipartThresholdBytes: e.MULTIPART_THRESHOLD,
      multipartChunkBytes: e.MULTIPART_CHUNK_SIZE,
      maxFileBytes: e.MAX_FILE_SIZE,
      uploadExpiryHours: e.UPLOAD_EXPIRY_HOURS,
      gcGraceHours: e.BLOB_GC_GRACE_HOURS,
    },
    jobsEnabled: e.JOBS_ENABLED,
    searchWarmup: e.SEARCH_WARMUP,
    licensing: { grantExpiryNoticeDays: e.GRANT_EXPIRY_NOTICE_DAYS },
    webhooks: {
      timeoutSeconds: e.WEBHOOK_TIMEOUT_SECONDS,
      maxAttempts: e.WEBHOOK_MAX_ATTEMPTS,
      retryDelaySeconds: e.WEBHOOK_RETRY_DELAY_SECONDS,
      allowedTargets: e.WEBHOOK_ALLOWED_TARGETS ?? EMPTY_ALLOW_LIST,
      secretKey: e.WEBHOOK_SECRET_KEY,
    },
    inference: {
      memoryBytes: e.INFERENCE_MEMORY_MB * MiB,
      threads: e.INFERENCE_THREADS,
      workers: e.INFERENCE_WORKERS,
      allowedTargets: e.INFERENCE_ALLOWED_TARGETS ?? EMPTY_ALLOW_LIST,
      secretKey: e.INFERENCE_SECRET_KEY,
    },
  };
}

/** Nest injection token for the resolved config (after embedded services filled in the gaps). */
export const HUB_CONFIG = Symbol('HUB_CONFIG');

/** The config once every service address is known. */
export interface ResolvedHubConfig extends HubConfig {
  databaseUrl: string;
  s3: HubConfig['s3'] & {
    endpoint: string;
    accessKeyId: string;
    secretAccessKey: string;
    /**
     * Set when the hub runs its own store: the hub's S3 client reaches it through this unix
     * socket, clients only through the hub's storage gateway, with URLs signed by `urlSecret`,
     * which hands their checked requests to the store's `handler` in-process.
     */
    embedded?: {
      socketPath: string;
      urlSecret: string;
      handler: RequestListener;
      rename: (bucket: string, fromKey: string, toKey: string) => Promise<void>;
      hashOf: (bucket: string, key: string) => ArrivalHash | null;
      /** AbortMultipartUpload, which the store's own API lacks. */
      abortUpload: (bucket: string, uploadId: string) => Promise<void>;
    };
  };
  jwt: { secret: string; expiresInSeconds: number };
}
