-- CreateEnum
CREATE TYPE "deployment_backend" AS ENUM ('embedded', 'remote');

-- CreateEnum
CREATE TYPE "deployment_state" AS ENUM ('loading', 'ready', 'failed', 'stopped');

-- AlterTable
ALTER TABLE "license_terms_versions" ADD COLUMN     "calls_per_day" INTEGER,
ADD COLUMN     "calls_per_minute" INTEGER,
ADD COLUMN     "rights" TEXT[] DEFAULT ARRAY['download']::TEXT[];

-- CreateTable
CREATE TABLE "license_grant_seats" (
    "grant_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "first_used_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "license_grant_seats_pkey" PRIMARY KEY ("grant_id","user_id")
);

-- CreateTable
CREATE TABLE "license_grant_call_windows" (
    "grant_id" UUID NOT NULL,
    "window" TEXT NOT NULL,
    "starts_at" TIMESTAMPTZ(6) NOT NULL,
    "calls" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "license_grant_call_windows_pkey" PRIMARY KEY ("grant_id","window","starts_at")
);

-- CreateTable
CREATE TABLE "deployments" (
    "id" UUID NOT NULL,
    "model_id" UUID NOT NULL,
    "version_name" TEXT NOT NULL,
    "commit_id" CHAR(40) NOT NULL,
    "backend" "deployment_backend" NOT NULL,
    "state" "deployment_state" NOT NULL DEFAULT 'loading',
    "failure_reason" TEXT,
    "file_path" TEXT,
    "limits" JSONB NOT NULL,
    "signature" JSONB,
    "remote_url" TEXT,
    "remote_model" TEXT,
    "remote_credential" TEXT,
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "deployments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "inference_calls" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deployment_id" UUID NOT NULL,
    "model_id" UUID NOT NULL,
    "version_name" TEXT NOT NULL,
    "caller_user_id" UUID,
    "caller_name" TEXT,
    "via" TEXT NOT NULL,
    "grant_id" UUID,
    "licensee_org_id" UUID,
    "licensee_user_id" UUID,
    "licensee_name" TEXT,
    "status" INTEGER NOT NULL,
    "latency_ms" DOUBLE PRECISION NOT NULL,
    "request_bytes" INTEGER NOT NULL,
    "response_bytes" INTEGER NOT NULL,
    "price_amount" DECIMAL(18,4),
    "price_currency" TEXT,

    CONSTRAINT "inference_calls_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "deployments_model_id_version_name_backend_key" ON "deployments"("model_id", "version_name", "backend");

-- CreateIndex
CREATE INDEX "inference_calls_model_id_at_idx" ON "inference_calls"("model_id", "at");

-- CreateIndex
CREATE INDEX "inference_calls_grant_id_at_idx" ON "inference_calls"("grant_id", "at");

-- AddForeignKey
ALTER TABLE "license_grant_seats" ADD CONSTRAINT "license_grant_seats_grant_id_fkey" FOREIGN KEY ("grant_id") REFERENCES "license_grants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "license_grant_call_windows" ADD CONSTRAINT "license_grant_call_windows_grant_id_fkey" FOREIGN KEY ("grant_id") REFERENCES "license_grants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "deployments" ADD CONSTRAINT "deployments_model_id_fkey" FOREIGN KEY ("model_id") REFERENCES "models"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Hosted calls appear in the licence audit log as one row per grant and hour (docs/inference.md):
-- the metering upserts into this row.
CREATE UNIQUE INDEX "license_audit_events_calls_per_hour" ON "license_audit_events"("grant_id", "at") WHERE "action" = 'model.called';
