-- AlterTable
ALTER TABLE "blobs" ADD COLUMN     "git_oid" TEXT;

-- Existing blobs get their git id from the job blobs-backfill-git-oids (BlobGitOidBackfill),
-- enqueued at start-up: PostgreSQL has no sha1 without pgcrypto, and bucket bytes must be read.
